package text

// The words of `vigia completion` and `vigia man`: their --help, and the
// sections of the man page that no command's help holds.

// CompletionHelp is `vigia completion --help`.
func (t *Text) CompletionHelp() string {
	return t.pick(`
vigia completion — print a shell completion script for bash, zsh or fish.

Usage:
  vigia completion bash|zsh|fish

The script completes commands, every flag of each command, the values of
flags that take a known set (sensors, collectors, languages, log levels and
formats), metric names (history --metric, metric= in --rule), the keys of
--rule, and file and directory names where a flag takes one. It is made
from the flags the commands define, so it always matches this vigia.

Examples:
  vigia completion bash > /usr/share/bash-completion/completions/vigia
  vigia completion zsh > /usr/share/zsh/vendor-completions/_vigia
  vigia completion fish > ~/.config/fish/completions/vigia.fish
  source <(vigia completion bash)               # this shell only
`, `
vigia completion — escribe un guion de compleción para bash, zsh o fish.

Uso:
  vigia completion bash|zsh|fish

El guion completa las órdenes, cada opción de cada orden, los valores de
las opciones que toman un conjunto conocido (sensores, colectores, idiomas,
niveles y formatos de registro), los nombres de métricas (history --metric,
metric= en --rule), las claves de --rule, y nombres de archivo y de
directorio donde una opción los toma. Se hace con las opciones que definen
las órdenes, así que siempre coincide con este vigia.

Ejemplos:
  vigia completion bash > /usr/share/bash-completion/completions/vigia
  vigia completion zsh > /usr/share/zsh/vendor-completions/_vigia
  vigia completion fish > ~/.config/fish/completions/vigia.fish
  source <(vigia completion bash)               # solo esta shell
`)
}

// ManHelp is `vigia man --help`.
func (t *Text) ManHelp() string {
	return t.pick(`
vigia man — print vigia's manual page (section 1, roff) on stdout.

Usage:
  vigia man

The page is made from the commands' own help texts and flags: NAME,
SYNOPSIS, DESCRIPTION, every command with its flags and examples, FILES,
ENVIRONMENT, EXIT STATUS and SEE ALSO. Its own words follow --lang or the
locale; the commands' help texts are in English.

Examples:
  vigia man | man -l -
  vigia man > /usr/share/man/man1/vigia.1 && gzip -9n /usr/share/man/man1/vigia.1
`, `
vigia man — escribe la página de manual de vigia (sección 1, roff) en la salida.

Uso:
  vigia man

La página se hace con los textos de ayuda y las opciones de las órdenes:
NOMBRE, SINOPSIS, DESCRIPCIÓN, cada orden con sus opciones y ejemplos,
ARCHIVOS, ENTORNO, ESTADO DE SALIDA y VÉASE TAMBIÉN. Sus propias palabras
siguen --lang o el locale; los textos de ayuda de las órdenes están en
inglés.

Ejemplos:
  vigia man | man -l -
  vigia man > /usr/share/man/man1/vigia.1 && gzip -9n /usr/share/man/man1/vigia.1
`)
}

// ManSection is the heading of a man page section, by its English name
// (NAME, SYNOPSIS, …), as man pages in that language write it.
func (t *Text) ManSection(en string) string {
	if t.lang != Spanish {
		return en
	}
	switch en {
	case "NAME":
		return "NOMBRE"
	case "SYNOPSIS":
		return "SINOPSIS"
	case "DESCRIPTION":
		return "DESCRIPCIÓN"
	case "COMMANDS":
		return "ÓRDENES"
	case "FILES":
		return "ARCHIVOS"
	case "ENVIRONMENT":
		return "ENTORNO"
	case "EXIT STATUS":
		return "ESTADO DE SALIDA"
	case "SEE ALSO":
		return "VÉASE TAMBIÉN"
	case "Usage:":
		return "Uso:"
	case "Flags:":
		return "Opciones:"
	case "Examples:":
		return "Ejemplos:"
	}
	return en
}

// ManEntry is one item of a man page list: a term (a path, a variable, an
// exit status) and what it is.
type ManEntry struct{ Term, What string }

// ManFiles are the files vigia reads and writes.
func (t *Text) ManFiles() []ManEntry {
	return []ManEntry{
		{"$XDG_CONFIG_HOME/vigia/vigia.yaml", t.pick(
			"The config file, read when it exists and --config names no other (~/.config/vigia/vigia.yaml without XDG_CONFIG_HOME).",
			"El archivo de configuración, leído cuando existe y --config no nombra otro (~/.config/vigia/vigia.yaml sin XDG_CONFIG_HOME).")},
		{"/etc/vigia/vigia.yaml", t.pick(
			"The config file of the system service, which passes it with --config.",
			"El archivo de configuración del servicio del sistema, que lo pasa con --config.")},
		{"$XDG_DATA_HOME/vigia/vigia.db", t.pick(
			"The history database, with its -wal and -shm files (~/.local/share/vigia/vigia.db without XDG_DATA_HOME).",
			"La base de datos del historial, con sus archivos -wal y -shm (~/.local/share/vigia/vigia.db sin XDG_DATA_HOME).")},
		{"/var/lib/vigia/vigia.db", t.pick(
			"The history database of vigia run as a system service (as root under systemd).",
			"La base de datos del historial de vigia como servicio del sistema (como root bajo systemd).")},
	}
}

// ManEnvironment are the variables vigia reads.
func (t *Text) ManEnvironment() []ManEntry {
	return []ManEntry{
		{"LC_ALL, LC_MESSAGES, LANG", t.pick(
			"The language of messages: the first one set decides; a value starting with es is Spanish. --lang and the config file's language: win over them.",
			"El idioma de los mensajes: decide la primera que esté puesta; un valor que empieza por es es español. --lang y language: del archivo de configuración mandan sobre ellas.")},
		{"XDG_CONFIG_HOME, XDG_DATA_HOME, HOME", t.pick(
			"Where the config file and the history database are looked for (FILES).",
			"Dónde se buscan el archivo de configuración y la base de datos del historial (ARCHIVOS).")},
		{"NO_COLOR", t.pick(
			"When set, no colours: watch prints plain lines and top uses its monochrome theme.",
			"Si está puesta, sin colores: watch escribe líneas sin color y top usa su tema monocromo.")},
		{"TZ", t.pick(
			"The time zone times are shown and read in.",
			"La zona horaria en que se muestran y leen las horas.")},
		{"INVOCATION_ID", t.pick(
			"Set by systemd: with it, vigia run as root is a system service and keeps its history in /var/lib/vigia.",
			"La pone systemd: con ella, vigia como root es un servicio del sistema y guarda su historial en /var/lib/vigia.")},
	}
}

// ManExitStatus are vigia's exit statuses.
func (t *Text) ManExitStatus() []ManEntry {
	return []ManEntry{
		{"0", t.pick("Success, or stopped by SIGINT, SIGTERM or SIGHUP.", "Éxito, o parada por SIGINT, SIGTERM o SIGHUP.")},
		{"1", t.pick("A failure while running (a notifier that did not deliver, a database that could not be opened).",
			"Un fallo durante la ejecución (un notificador que no entregó, una base de datos que no se pudo abrir).")},
		{"2", t.pick("A usage error: an unknown command or flag, a bad flag value, an invalid config file.",
			"Un error de uso: una orden u opción desconocida, un valor de opción erróneo, un archivo de configuración no válido.")},
	}
}

// ManSeeAlso is the sentence after the SEE ALSO list of pages: where the
// rest of vigia's documentation is.
func (t *Text) ManSeeAlso() string {
	return t.pick(
		"The documents under docs/ in vigia's source: rules.md (rules), alerts.md (notifiers), api.md (the agent's API), metrics.md (every metric), json.md (JSON output) and logging.md (log lines); examples/vigia.yaml documents every setting of the config file.",
		"Los documentos bajo docs/ en las fuentes de vigia: rules.md (reglas), alerts.md (notificadores), api.md (la API del agente), metrics.md (cada métrica), json.md (salida JSON) y logging.md (líneas de registro); examples/vigia.yaml documenta cada ajuste del archivo de configuración.")
}
