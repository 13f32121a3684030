package procfs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// collect turns a callback parser's calls into "proto field value" lines.
func collect(parse func([]byte, func(a, b []byte, v float64)) error, in string) ([]string, error) {
	var got []string
	err := parse([]byte(in), func(a, b []byte, v float64) { got = append(got, fmt.Sprintf("%s %s %g", a, b, v)) })
	return got, err
}

func TestParseNetstat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string
		wantErr  string
	}{
		{"snmp", "Ip: Forwarding DefaultTTL\nIp: 2 64\nTcp: RtoMin MaxConn CurrEstab\nTcp: 200 -1 3\n",
			[]string{"Ip Forwarding 2", "Ip DefaultTTL 64", "Tcp RtoMin 200", "Tcp MaxConn -1", "Tcp CurrEstab 3"}, ""},
		{"no trailing newline", "TcpExt: ListenDrops\nTcpExt: 7", []string{"TcpExt ListenDrops 7"}, ""},
		{"big counter", "IpExt: InOctets\nIpExt: 18446744073709551615\n", []string{"IpExt InOctets 1.8446744073709552e+19"}, ""},
		{"empty", "", nil, ""},
		{"fewer values", "Ip: A B\nIp: 1\n", []string{"Ip A 1"}, "differ in count"},
		{"values of another proto", "Ip: A\nTcp: 1\n", nil, "want a"},
		{"no values line", "Ip: A\n", nil, "want a"},
		{"garbage value", "Ip: A\nIp: x\n", nil, `"x" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := collect(ParseNetstat, tt.in)
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) || tt.wantErr == "" && err != nil {
				t.Fatalf("ParseNetstat error = %v, want %q", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseNetstat mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSNMP6(t *testing.T) {
	t.Parallel()
	in := "Ip6InReceives                   \t2\nIcmp6InMsgs  5\nUdpLite6InErrors 0\nIfIndex 3\nNoValue\n\n"
	got, err := collect(ParseSNMP6, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Ip6 InReceives 2", "Icmp6 InMsgs 5", "UdpLite6 InErrors 0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseSNMP6 mismatch (-want +got):\n%s", diff)
	}
	if _, err := collect(ParseSNMP6, "Ip6InReceives x\n"); err == nil || !strings.Contains(err.Error(), "Ip6InReceives") {
		t.Errorf("garbage value: error %v", err)
	}
}

func TestParseSockstat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string
		wantErr  string
	}{
		{"sockstat", "sockets: used 19\nTCP: inuse 3 orphan 0 tw 16 alloc 3 mem 208\nFRAG: inuse 0 memory 0\n",
			[]string{"sockets used 19", "TCP inuse 3", "TCP orphan 0", "TCP tw 16", "TCP alloc 3", "TCP mem 208", "FRAG inuse 0", "FRAG memory 0"}, ""},
		{"sockstat6", "TCP6: inuse 1\nUDP6: inuse 2\n", []string{"TCP6 inuse 1", "UDP6 inuse 2"}, ""},
		{"odd pairs", "TCP: inuse 3 orphan\n", []string{"TCP inuse 3"}, "orphan has no value"},
		{"no pairs", "TCP:\n", nil, "no values"},
		{"no colon", "TCP inuse 3\n", nil, "no protocol"},
		{"not integer", "TCP: inuse 1.5\n", nil, "not an integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			err := ParseSockstat([]byte(tt.in), func(p, k []byte, v int64) { got = append(got, fmt.Sprintf("%s %s %d", p, k, v)) })
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) || tt.wantErr == "" && err != nil {
				t.Fatalf("ParseSockstat error = %v, want %q", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseSockstat mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSoftnet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []Softnet
		wantErr  string
	}{
		{"linux 6.18, 15 columns",
			"000d88d6 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n" +
				"000d0b03 00000002 00000001 00000000 00000000 00000000 00000000 00000000 00000004 00000005 00000006 00000007 00000003 00000000 00000000\n",
			[]Softnet{{CPU: 0, Processed: 0xd88d6}, {CPU: 3, Processed: 0xd0b03, Dropped: 2, TimeSqueezed: 1, CPUCollision: 4, ReceivedRPS: 5, FlowLimitCount: 6, BacklogLen: 7}}, ""},
		{"linux 2.6.23, 9 columns, cpu by line",
			"00000001 00000002 00000003 0 0 0 0 0 00000004\n00000010 0 0 0 0 0 0 0 0\n",
			[]Softnet{{CPU: 0, Processed: 1, Dropped: 2, TimeSqueezed: 3, CPUCollision: 4}, {CPU: 1, Processed: 16}}, ""},
		{"linux 4.18, 11 columns", "1 2 3 0 0 0 0 0 4 5 6\n", []Softnet{{Processed: 1, Dropped: 2, TimeSqueezed: 3, CPUCollision: 4, ReceivedRPS: 5, FlowLimitCount: 6}}, ""},
		{"too few", "1 2 3\n", []Softnet{}, "3 columns"},
		{"not hex", "1 2 3 0 0 0 0 0 zz\n", []Softnet{}, "column 9"},
		{"over 32 bits", "100000000 2 3 0 0 0 0 0 0\n", []Softnet{}, "column 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseSoftnet([]byte(tt.in), nil)
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) || tt.wantErr == "" && err != nil {
				t.Fatalf("ParseSoftnet error = %v, want %q", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); tt.wantErr == "" && diff != "" {
				t.Errorf("ParseSoftnet mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseConntrackStat(t *testing.T) {
	t.Parallel()
	const h6 = "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n"
	tests := []struct {
		name, in string
		want     ConntrackStat
		wantErr  string
	}{
		{"linux 6, two cpus summed", h6 +
			"00000000  00000000 00000001 00000000 00000002 00000003 00000000 00000000 00000004 00000005 00000006 00000007 00000000  00000000 00000000 00000000 00000008\n" +
			"00000000  00000000 00000010 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 000000ff\n",
			ConntrackStat{Found: 0x11, Invalid: 2, Ignore: 3, Insert: 4, InsertFailed: 5, Drop: 6, EarlyDrop: 7, SearchRestart: 0x107}, ""},
		{"old kernel, no search_restart",
			"entries searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error expect_new expect_create expect_delete\n" +
				"1 2 3 4 5 6 7 8 9 a b c d e f 10\n",
			ConntrackStat{Found: 3, Invalid: 5, Ignore: 6, Insert: 9, InsertFailed: 10, Drop: 11, EarlyDrop: 12}, ""},
		{"header only", h6, ConntrackStat{}, ""},
		{"short line", h6 + "1 2 3\n", ConntrackStat{}, "3 columns"},
		{"not hex", "found\nzz\n", ConntrackStat{}, `"zz"`},
		{"no found column", "a b\n1 2\n", ConntrackStat{}, "no found column"},
		{"empty", "", ConntrackStat{}, "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseConntrackStat([]byte(tt.in))
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) || tt.wantErr == "" && err != nil {
				t.Fatalf("ParseConntrackStat error = %v, want %q", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseConntrackStat mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseARP(t *testing.T) {
	t.Parallel()
	in := "IP address       HW type     Flags       HW address            Mask     Device\n" +
		"192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0\n" +
		"192.0.2.9        0x1         0x0         00:00:00:00:00:00     *        eth0\n" +
		"10.0.0.1         0x1         0x2         02:fc:00:00:00:06     *        br-lan\n"
	var got []string
	if err := ParseARP([]byte(in), func(d []byte) { got = append(got, string(d)) }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"eth0", "eth0", "br-lan"}, got); diff != "" {
		t.Errorf("ParseARP mismatch (-want +got):\n%s", diff)
	}
	if err := ParseARP([]byte("192.0.2.1 0x1 0x2\n"), func([]byte) {}); err == nil || !strings.Contains(err.Error(), "3 columns") {
		t.Errorf("short line: error %v", err)
	}
}

func TestParseSysfsInt(t *testing.T) {
	t.Parallel()
	type res struct {
		V  int64
		OK bool
	}
	for in, want := range map[string]res{
		"1500\n": {1500, true}, "0x1003\n": {0x1003, true}, "-1\n": {-1, true}, "0\n": {0, true}, "010": {8, true},
		"": {0, false}, "up\n": {0, false}, "0x": {0, false}, "9223372036854775807": {1<<63 - 1, true},
		"9223372036854775808": {0, false}, "-9223372036854775808": {-1 << 63, true}, "08": {0, false},
		"-9223372036854775809": {0, false}, "-0x8000000000000000": {-1 << 63, true}, "0x8000000000000000": {0, false},
		"-0x8000000000000001": {0, false}, "18446744073709551616": {0, false},
	} {
		v, ok := ParseSysfsInt([]byte(in))
		if got := (res{v, ok}); got != want {
			t.Errorf("ParseSysfsInt(%q) = %+v, want %+v", in, got, want)
		}
	}
}

// TestSysfsAttrMissing: an absent attribute is missing, not an error, so
// that the netclass collector skips it as node_exporter does.
func TestSysfsAttrMissing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b, missing, err := SysfsAttr(filepath.Join(dir, "speed"), nil)
	if err != nil || !missing || len(b) != 0 {
		t.Errorf("absent file: %q, missing %v, err %v", b, missing, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mtu"), []byte("1500\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, missing, err = SysfsAttr(filepath.Join(dir, "mtu"), b)
	if err != nil || missing || string(b) != "1500\n" {
		t.Errorf("mtu: %q, missing %v, err %v", b, missing, err)
	}
	// A directory read fails with EISDIR: a real error, not a missing value.
	if _, missing, err = SysfsAttr(dir, nil); err == nil || missing {
		t.Errorf("directory: missing %v, err %v", missing, err)
	}
}

func FuzzParseNetstat(f *testing.F) {
	f.Add([]byte("Ip: Forwarding DefaultTTL\nIp: 2 64\nTcp: MaxConn\nTcp: -1\n"), []byte("Ip6InReceives 2\nIcmp6InMsgs 5\n"))
	f.Fuzz(func(t *testing.T, netstat, snmp6 []byte) {
		fn := func(p, k []byte, v float64) {
			if len(p) == 0 || v != v {
				t.Errorf("empty protocol or NaN: %q %q %v", p, k, v)
			}
		}
		_ = ParseNetstat(netstat, fn)
		_ = ParseSNMP6(snmp6, fn)
	})
}

func FuzzParseNetFiles(f *testing.F) {
	f.Add([]byte("sockets: used 19\nTCP: inuse 3 mem 208\n"), []byte("1 2 3 0 0 0 0 0 4 5 6 7 3\n"), []byte("found drop\n1 2\n"), []byte("a 0x1 0x2 m * eth0\n"), []byte("0x1003\n"))
	f.Fuzz(func(t *testing.T, sockstat, softnet, conntrack, arp, sysfs []byte) {
		_ = ParseSockstat(sockstat, func(p, k []byte, v int64) {
			if len(p) == 0 || len(k) == 0 {
				t.Errorf("empty protocol or key in %q", sockstat)
			}
		})
		if s, err := ParseSoftnet(softnet, nil); err == nil && len(s) > len(softnet) {
			t.Errorf("%d lines from %d bytes", len(s), len(softnet))
		}
		_, _ = ParseConntrackStat(conntrack)
		_ = ParseARP(arp, func(d []byte) {
			if len(d) == 0 {
				t.Errorf("empty device in %q", arp)
			}
		})
		if v, ok := ParseSysfsInt(sysfs); !ok && v != 0 {
			t.Errorf("ParseSysfsInt(%q) = %d and not ok", sysfs, v)
		}
	})
}

// TestSysfsAttrEINVAL: the kernel answers EINVAL for the speed of lo (and
// of any link that is down); that is a missing value, not a failure, or
// netclass would fail on every machine.
func TestSysfsAttrEINVAL(t *testing.T) {
	t.Parallel()
	const path = "/sys/class/net/lo/speed"
	if _, err := os.ReadFile(path); err == nil || os.IsNotExist(err) {
		t.Skipf("%s does not answer EINVAL here (%v)", path, err)
	}
	b, missing, err := SysfsAttr(path, nil)
	if err != nil || !missing || len(b) != 0 {
		t.Errorf("lo speed: %q, missing %v, err %v", b, missing, err)
	}
}

// TestNetClassIfaceGone: an interface removed between the listing and its
// reading has no attribute at all, and says so.
func TestNetClassIfaceGone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "class", "net", "eth0"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "class", "net", "eth0", "mtu"), []byte("1500\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stat"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	fs, err := NewFS(dir, dir)
	if err != nil {
		t.Fatal(err)
	}
	var c NetClassIface
	if _, err := fs.NetClassIface("veth9", &c, nil); err != nil || !c.Gone() {
		t.Errorf("removed interface: err %v, gone %v", err, c.Gone())
	}
	if _, err := fs.NetClassIface("eth0", &c, nil); err != nil || c.Gone() || c.Int[11] != 1500 || !c.Has[11] {
		t.Errorf("eth0: err %v, %+v", err, c)
	}
}
