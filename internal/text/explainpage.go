package text

// explainPage is the web dashboard's words for the explainer panel: what
// a selection on the CPU or memory chart explains. The amounts and names
// come from /api/v1/explain; {1}, {2}, {3} stand for them.
func (t *Text) explainPage() map[string]string {
	return map[string]string{
		"explain.hint": t.pick("Drag across the CPU or memory chart to explain a span; a click explains the minute up to that point.",
			"Arrastre sobre la gráfica de CPU o de memoria para explicar un periodo; un clic explica el minuto hasta ese punto."),
		"explain.title":      t.pick("What changed {1} → {2}, against {3} → {1}", "Qué cambió {1} → {2}, frente a {3} → {1}"),
		"explain.close":      t.pick("close", "cerrar"),
		"explain.loading":    t.Explaining(),
		"explain.nobaseline": t.ExplainNoBaseline(),
		"explain.nothing":    t.ExplainNothing(),
		"explain.norecord": t.pick("This agent records no history (it runs with --no-record): there is nothing to explain.",
			"Este agente no graba historial (se ejecuta con --no-record): no hay nada que explicar."),
		"explain.failed":    t.pick("Cannot explain: {1}", "No se puede explicar: {1}"),
		"explain.cpu":       t.explainResource("cpu"),
		"explain.memory":    t.explainResource("memory"),
		"explain.io":        t.explainResource("io"),
		"explain.rose":      t.pick("{1} rose {2}:", "{1} subió {2}:"),
		"explain.fell":      t.pick("{1} fell {2}:", "{1} bajó {2}:"),
		"explain.cpus":      t.pick("{1} CPU-s", "{1} s de CPU"),
		"explain.riseshare": t.pick("+{1}, {2} % of the rise", "+{1}, {2} % de la subida"),
		"explain.fallshare": t.pick("{1}, {2} % of the fall", "{1}, {2} % de la bajada"),
		"explain.started":   t.explainMark(true, false),
		"explain.ended":     t.explainMark(false, true),
		"explain.both":      t.explainMark(true, true),
		"explain.events":    t.ExplainEvents(),
		"explain.cgroups":   t.ExplainCgroups(),
		"explain.exitedone": t.pick("Ended in the window: 1 process, {2} ({3} against the span before):",
			"Terminados en la ventana: 1 proceso, {2} ({3} frente al periodo anterior):"),
		"explain.exitedmany": t.pick("Ended in the window: {1} processes, {2} ({3} against the span before):",
			"Terminados en la ventana: {1} procesos, {2} ({3} frente al periodo anterior):"),
		"explain.exit": t.pick("parent {1}, lived {2}, {3}, {4} % of the exited CPU",
			"padre {1}, vivió {2}, {3}, {4} % de la CPU de los terminados"),
		"explain.exitio": t.pick("read {1}, wrote {2}", "leyó {1}, escribió {2}"),
		"explain.killed": t.pick("killed by {1}", "terminado por {1}"),
		"explain.lost": t.pick("{1} exits lost: the kernel dropped them, so no total counts them",
			"{1} fines perdidos: el núcleo los descartó y ningún total los cuenta"),
		"explain.more": t.pick("… and {1} more", "… y {1} más"),
	}
}
