package procfs

import (
	"encoding/binary"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/sys/unix"
)

func u32Attr(typ uint16, v uint32) []byte {
	return nlAttr(typ, binary.NativeEndian.AppendUint32(nil, v))
}

func strAttr(typ uint16, s string) []byte { return nlAttr(typ, append([]byte(s), 0)) }

// nlMsg is a netlink message of payload, padded to four bytes.
func nlMsg(typ, flags uint16, seq uint32, payload []byte) []byte {
	ne := binary.NativeEndian
	b := ne.AppendUint32(nil, uint32(unix.NLMSG_HDRLEN+len(payload)))
	b = ne.AppendUint16(b, typ)
	b = ne.AppendUint16(b, flags)
	b = ne.AppendUint32(b, seq)
	b = ne.AppendUint32(b, 4242)
	b = append(b, payload...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// linkMsg is an RTM_NEWLINK message with its ifinfomsg and attributes.
func linkMsg(index int32, typ uint16, flags uint32, attrs ...[]byte) []byte {
	ne := binary.NativeEndian
	p := []byte{unix.AF_UNSPEC, 0}
	p = ne.AppendUint16(p, typ)
	p = ne.AppendUint32(p, uint32(index))
	p = ne.AppendUint32(p, flags)
	p = ne.AppendUint32(p, 0)
	p = append(p, cat(attrs...)...)
	return nlMsg(unix.RTM_NEWLINK, unix.NLM_F_MULTI, 1, p)
}

// doneMsg ends a dump, failed with errno when it is not 0.
func doneMsg(errno int32) []byte {
	return nlMsg(unix.NLMSG_DONE, unix.NLM_F_MULTI, 1, binary.NativeEndian.AppendUint32(nil, uint32(-errno)))
}

// eth0Attrs are what a 6.18 kernel sends for an Ethernet device that is
// up, less the attributes vigia does not read.
func eth0Attrs() [][]byte {
	stats := make([]byte, 0, 25*8)
	for i := range 25 {
		stats = binary.NativeEndian.AppendUint64(stats, uint64(100+i))
	}
	return [][]byte{
		strAttr(unix.IFLA_IFNAME, "eth0"),
		u32Attr(unix.IFLA_TXQLEN, 1000),
		nlAttr(unix.IFLA_OPERSTATE, []byte{6}),
		nlAttr(unix.IFLA_LINKMODE, []byte{0}),
		u32Attr(unix.IFLA_MTU, 1400),
		u32Attr(unix.IFLA_GROUP, 0),
		u32Attr(unix.IFLA_PROMISCUITY, 0),
		u32Attr(unix.IFLA_ALLMULTI, 0),
		nlAttr(unix.IFLA_CARRIER, []byte{1}),
		strAttr(unix.IFLA_QDISC, "pfifo_fast"),
		u32Attr(unix.IFLA_CARRIER_CHANGES, 2),
		u32Attr(unix.IFLA_CARRIER_UP_COUNT, 1),
		u32Attr(unix.IFLA_CARRIER_DOWN_COUNT, 1),
		nlAttr(unix.IFLA_ADDRESS, []byte{2, 0xfc, 0, 0, 0, 1}),
		nlAttr(unix.IFLA_BROADCAST, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}),
		nlAttr(unix.IFLA_STATS64, stats),
		nlAttr(unix.IFLA_AF_SPEC|unix.NLA_F_NESTED, []byte{8, 0, 2, 0, 1, 2, 3, 4}),
	}
}

func eth0Link() Link {
	l := Link{
		Index: 4, Type: unix.ARPHRD_ETHER, Flags: 0x11043,
		Name: []byte("eth0"), Address: []byte{2, 0xfc, 0, 0, 0, 1}, Broadcast: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		MTU: 1400, TxQueueLen: 1000, CarrierChanges: 2, CarrierUpCount: 1, CarrierDownCount: 1,
		OperState: 6, Carrier: 1, NStats: LinkStatsLen,
		Has: LinkHasMTU | LinkHasTxQueueLen | LinkHasGroup | LinkHasPromiscuity | LinkHasAllmulti | LinkHasCarrierChanges |
			LinkHasCarrierUpCount | LinkHasCarrierDownCount | LinkHasOperState | LinkHasLinkMode | LinkHasCarrier,
	}
	for i := range l.Stats {
		l.Stats[i] = uint64(100 + i)
	}
	return l
}

func TestParseLinks(t *testing.T) {
	t.Parallel()
	veth := Link{
		Index: 7, Type: unix.ARPHRD_ETHER, Flags: 0x1002, Name: []byte("va"), Alias: []byte("uplink"),
		IfLink: 6, Has: LinkHasIfLink, NStats: 23,
	}
	veth.Stats[LinkTxCompressed] = 9
	tests := []struct {
		name    string
		in      []byte
		want    []Link
		wantErr error
	}{
		{name: "empty", in: nil, want: []Link{}},
		{name: "a link and the end", in: cat(linkMsg(4, unix.ARPHRD_ETHER, 0x11043, eth0Attrs()...), doneMsg(0)), want: []Link{eth0Link()}},
		{
			name: "two datagrams, a message of another type, a link with IFLA_LINK and a short IFLA_STATS64",
			in: cat(linkMsg(4, unix.ARPHRD_ETHER, 0x11043, eth0Attrs()...), nlMsg(unix.NLMSG_NOOP, 0, 1, nil),
				linkMsg(7, unix.ARPHRD_ETHER, 0x1002, strAttr(unix.IFLA_IFNAME, "va"), strAttr(unix.IFLA_IFALIAS, "uplink"),
					u32Attr(unix.IFLA_LINK, 6), nlAttr(unix.IFLA_STATS64, append(make([]byte, 22*8), 9, 0, 0, 0, 0, 0, 0, 0, 0xff))),
				doneMsg(0)),
			want: []Link{eth0Link(), veth},
		},
		{
			name: "what follows the end is not read",
			in:   cat(linkMsg(4, unix.ARPHRD_ETHER, 0x11043, eth0Attrs()...), doneMsg(0), []byte{1, 2, 3}),
			want: []Link{eth0Link()},
		},
		{name: "a failed dump", in: cat(linkMsg(4, unix.ARPHRD_ETHER, 0x11043, eth0Attrs()...), doneMsg(int32(unix.EMSGSIZE))), want: []Link{eth0Link()}, wantErr: unix.EMSGSIZE},
		{name: "a refused dump", in: nlErrMsg(int32(unix.EPERM)), want: []Link{}, wantErr: unix.EPERM},
		{name: "an acknowledgement", in: nlMsg(unix.NLMSG_ERROR, 0, 1, make([]byte, 20)), want: []Link{}, wantErr: ErrLinkFormat},
		{name: "a short error", in: nlMsg(unix.NLMSG_ERROR, 0, 1, []byte{1}), want: []Link{}, wantErr: ErrLinkFormat},
		{name: "a cut header", in: []byte{40, 0, 0, 0, 16, 0}, want: []Link{}, wantErr: ErrLinkFormat},
		{name: "a length past the datagram", in: linkMsg(4, 1, 0, eth0Attrs()...)[:100], want: []Link{}, wantErr: ErrLinkFormat},
		{name: "a length under the header", in: []byte{8, 0, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, want: []Link{}, wantErr: ErrLinkFormat},
		{name: "no ifinfomsg", in: nlMsg(unix.RTM_NEWLINK, 0, 1, make([]byte, 8)), want: []Link{}, wantErr: ErrLinkFormat},
		{name: "no name", in: linkMsg(9, 1, 0, u32Attr(unix.IFLA_MTU, 1500)), want: []Link{{Index: 9, Type: 1, MTU: 1500, Has: LinkHasMTU}}, wantErr: ErrLinkFormat},
		{name: "a short MTU", in: linkMsg(9, 1, 0, strAttr(unix.IFLA_IFNAME, "x"), nlAttr(unix.IFLA_MTU, []byte{1, 2})), wantErr: ErrLinkFormat},
		{name: "a short IFLA_LINK", in: linkMsg(9, 1, 0, nlAttr(unix.IFLA_LINK, []byte{1})), wantErr: ErrLinkFormat},
		{name: "an empty operstate", in: linkMsg(9, 1, 0, nlAttr(unix.IFLA_OPERSTATE, nil)), wantErr: ErrLinkFormat},
		{name: "a long address", in: linkMsg(9, 1, 0, nlAttr(unix.IFLA_ADDRESS, make([]byte, 33))), wantErr: ErrLinkFormat},
		{name: "an attribute under its header", in: linkMsg(9, 1, 0, nlAttr(unix.IFLA_MTU, nil))[:36], wantErr: ErrLinkFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseLinks(tt.in, nil)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if tt.want == nil {
				return
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseLinks mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseLinksChecksTheSequence: a message answering another request is
// an error in a dump.
func TestParseLinksChecksTheSequence(t *testing.T) {
	t.Parallel()
	p := linkParser{seq: 2}
	if err := p.parse(linkMsg(4, 1, 0, eth0Attrs()...)); !errors.Is(err, ErrLinkFormat) {
		t.Errorf("a message of sequence 1 in dump 2: %v", err)
	}
	intr := linkMsg(4, 1, 0, eth0Attrs()...)
	binary.NativeEndian.PutUint16(intr[6:], unix.NLM_F_MULTI|unix.NLM_F_DUMP_INTR)
	p = linkParser{seq: 1}
	if err := p.parse(cat(intr, doneMsg(0))); err != nil || !p.intr || !p.done {
		t.Errorf("an interrupted dump: %v, intr %v, done %v", err, p.intr, p.done)
	}
}

func FuzzParseLinks(f *testing.F) {
	f.Add(cat(linkMsg(4, unix.ARPHRD_ETHER, 0x11043, eth0Attrs()...), doneMsg(0)))
	f.Add(cat(linkMsg(7, 1, 0x1002, strAttr(unix.IFLA_IFNAME, "va"), u32Attr(unix.IFLA_LINK, 6)), nlMsg(unix.NLMSG_NOOP, 0, 1, nil), doneMsg(5)))
	f.Add(nlMsg(unix.NLMSG_ERROR, 0, 1, make([]byte, 20)))
	f.Fuzz(func(t *testing.T, b []byte) {
		links, err := ParseLinks(b, nil)
		for i := range links {
			l := &links[i]
			if l.NStats > LinkStatsLen || len(l.Address) > maxHWAddr || len(l.Broadcast) > maxHWAddr {
				t.Fatalf("link %d out of bounds: %+v", i, l)
			}
			if err == nil && len(l.Name) == 0 {
				t.Fatalf("link %d has no name and no error", i)
			}
			var c NetClassIface
			l.NetClass(&c)
			var d NetDev
			l.NetDev(&d)
		}
	})
}

func TestLinkNetClass(t *testing.T) {
	t.Parallel()
	up := eth0Link()
	// A bridge port: promiscuous and allmulti by count, not by the user's
	// flags, which ifi_flags shows; RUNNING and LOWER_UP computed.
	port := up
	port.Flags, port.Promiscuity, port.Allmulti = 0x11043, 1, 1
	port.Alias = []byte(" uplink \n")
	down := up
	down.Flags, down.OperState, down.Carrier, down.Address, down.Broadcast = 0x1002, 2, 0, nil, nil
	down.Has |= LinkHasIfLink
	down.IfLink = 3
	oldKernel := up
	oldKernel.Has &^= LinkHasAllmulti
	dormant := up
	dormant.Flags, dormant.OperState, dormant.MTU, dormant.TxQueueLen = 0x21003, 5, 1<<32-1, 1<<31
	odd := up
	odd.OperState = 7
	tests := []struct {
		name       string
		link       Link
		text       [len(NetClassText)]string
		ints       map[int]int64
		flagsKnown bool
	}{
		{name: "up", link: up, flagsKnown: true,
			text: [...]string{"02:fc:00:00:00:01", "ff:ff:ff:ff:ff:ff", "", "", "up"},
			ints: map[int]int64{NetClassCarrier: 1, NetClassCarrierChanges: 2, NetClassCarrierUpCount: 1, NetClassCarrierDownCount: 1,
				NetClassDormant: 0, NetClassFlags: 0x1003, NetClassIfindex: 4, NetClassIflink: 4, NetClassLinkMode: 0, NetClassMTU: 1400,
				NetClassNetdevGroup: 0, NetClassTxQueueLen: 1000, NetClassType: 1}},
		{name: "bridge port", link: port, flagsKnown: true,
			text: [...]string{"02:fc:00:00:00:01", "ff:ff:ff:ff:ff:ff", "", "uplink", "up"},
			ints: map[int]int64{NetClassCarrier: 1, NetClassCarrierChanges: 2, NetClassCarrierUpCount: 1, NetClassCarrierDownCount: 1,
				NetClassDormant: 0, NetClassFlags: 0x1303, NetClassIfindex: 4, NetClassIflink: 4, NetClassLinkMode: 0, NetClassMTU: 1400,
				NetClassNetdevGroup: 0, NetClassTxQueueLen: 1000, NetClassType: 1}},
		{name: "down: no carrier, no dormant", link: down, flagsKnown: true,
			text: [...]string{"", "", "", "", "down"},
			ints: map[int]int64{NetClassCarrierChanges: 2, NetClassCarrierUpCount: 1, NetClassCarrierDownCount: 1,
				NetClassFlags: 0x1002, NetClassIfindex: 4, NetClassIflink: 3, NetClassLinkMode: 0, NetClassMTU: 1400,
				NetClassNetdevGroup: 0, NetClassTxQueueLen: 1000, NetClassType: 1}},
		{name: "no allmulti count: flags left to sysfs", link: oldKernel, flagsKnown: false,
			text: [...]string{"02:fc:00:00:00:01", "ff:ff:ff:ff:ff:ff", "", "", "up"},
			ints: map[int]int64{NetClassCarrier: 1, NetClassCarrierChanges: 2, NetClassCarrierUpCount: 1, NetClassCarrierDownCount: 1,
				NetClassDormant: 0, NetClassIfindex: 4, NetClassIflink: 4, NetClassLinkMode: 0, NetClassMTU: 1400,
				NetClassNetdevGroup: 0, NetClassTxQueueLen: 1000, NetClassType: 1}},
		{name: "dormant, and sizes sysfs prints with %d", link: dormant, flagsKnown: true,
			text: [...]string{"02:fc:00:00:00:01", "ff:ff:ff:ff:ff:ff", "", "", "dormant"},
			ints: map[int]int64{NetClassCarrier: 1, NetClassCarrierChanges: 2, NetClassCarrierUpCount: 1, NetClassCarrierDownCount: 1,
				NetClassDormant: 1, NetClassFlags: 0x1003, NetClassIfindex: 4, NetClassIflink: 4, NetClassLinkMode: 0, NetClassMTU: -1,
				NetClassNetdevGroup: 0, NetClassTxQueueLen: -1 << 31, NetClassType: 1}},
		{name: "an operstate past the table", link: odd, flagsKnown: true,
			text: [...]string{"02:fc:00:00:00:01", "ff:ff:ff:ff:ff:ff", "", "", ""},
			ints: map[int]int64{NetClassCarrier: 1, NetClassCarrierChanges: 2, NetClassCarrierUpCount: 1, NetClassCarrierDownCount: 1,
				NetClassDormant: 0, NetClassFlags: 0x1003, NetClassIfindex: 4, NetClassIflink: 4, NetClassLinkMode: 0, NetClassMTU: 1400,
				NetClassNetdevGroup: 0, NetClassTxQueueLen: 1000, NetClassType: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// What sysfs gave before stays: the attributes a dump lacks.
			c := NetClassIface{Text: [...]string{"x", "x", "full", "x", "x"}}
			c.Int[NetClassDevID], c.Has[NetClassDevID] = 5, true
			c.Int[NetClassSpeed], c.Has[NetClassSpeed] = 1000, true
			if got := tt.link.NetClass(&c); got != tt.flagsKnown {
				t.Errorf("flags known %v, want %v", got, tt.flagsKnown)
			}
			want := NetClassIface{Text: tt.text}
			want.Text[NetClassDuplex] = "full"
			want.Int[NetClassDevID], want.Has[NetClassDevID] = 5, true
			want.Int[NetClassSpeed], want.Has[NetClassSpeed] = 1000, true
			for i, v := range tt.ints {
				want.Int[i], want.Has[i] = v, true
			}
			if diff := cmp.Diff(want, c); diff != "" {
				t.Errorf("NetClass mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLinkNetDev(t *testing.T) {
	t.Parallel()
	l := eth0Link()
	var d NetDev
	n, ok, whole := l.NetDev(&d)
	// Stats[i] is 100+i: /proc/net/dev's sums of the detailed errors.
	want := NetDev{
		RxBytes: 102, RxPackets: 100, RxErrs: 104, RxDrop: 106 + 115, RxFIFO: 114, RxFrame: 110 + 111 + 112 + 113,
		RxCompressed: 121, RxMulticast: 108, TxBytes: 103, TxPackets: 101, TxErrs: 105, TxDrop: 107, TxFIFO: 118,
		TxColls: 109, TxCarrier: 117 + 116 + 120 + 119, TxCompressed: 122,
	}
	if diff := cmp.Diff(want, d); diff != "" || n != 123 || !ok || !whole {
		t.Errorf("NetDev: rx_nohandler %d %v, whole %v; mismatch (-want +got):\n%s", n, ok, whole, diff)
	}
	l.NStats = LinkRxNoHandler
	if _, ok, whole := l.NetDev(&d); ok || !whole {
		t.Errorf("before Linux 4.6: rx_nohandler %v, whole %v", ok, whole)
	}
	l.NStats = LinkRxNoHandler - 1
	if _, _, whole := l.NetDev(&d); whole {
		t.Error("a short IFLA_STATS64 is whole")
	}
}

// TestLinksDump: the socket's dump lists this machine's devices as
// /sys/class/net does, twice in a row on one socket, and after Close it
// refuses.
func TestLinksDump(t *testing.T) {
	t.Parallel()
	fs, err := NewFS("/proc", "/sys")
	if err != nil {
		t.Skip(err)
	}
	if _, err := os.Stat("/sys/class/net"); err != nil {
		t.Skip(err)
	}
	l, err := OpenLinks(false)
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EAFNOSUPPORT) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	var links []Link
	for range 2 {
		// Other tests add and remove devices: a listing may differ once.
		match := false
		for try := 0; try < 20 && !match; try++ {
			if links, err = l.Dump(links); err != nil {
				t.Fatal(err)
			}
			if match, err = fs.LinksMatchSysfs(links); err != nil {
				t.Fatal(err)
			}
		}
		if !match {
			var names []string
			for _, k := range links {
				names = append(names, string(k.Name))
			}
			t.Errorf("the dump (%s) does not match /sys/class/net", strings.Join(names, " "))
		}
	}
	if err := l.Close(); err != nil {
		t.Error(err)
	}
	if _, err := l.Dump(links); !errors.Is(err, os.ErrClosed) {
		t.Errorf("a dump after Close: %v", err)
	}
}

// BenchmarkLinksDump is a dump over the socket Links keeps open, with and
// without the counters; BenchmarkNetlinkRIB the standard library's way, a
// socket a dump and every message and attribute in slices of its own.
func BenchmarkLinksDump(b *testing.B) {
	for _, stats := range []bool{true, false} {
		name := "stats"
		if !stats {
			name = "nostats"
		}
		b.Run(name, func(b *testing.B) {
			l, err := OpenLinks(stats)
			if err != nil {
				b.Skip(err)
			}
			defer l.Close()
			var links []Link
			b.ReportAllocs()
			for b.Loop() {
				if links, err = l.Dump(links); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(links)), "links")
		})
	}
}

func BenchmarkNetlinkRIB(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		tab, err := syscall.NetlinkRIB(syscall.RTM_GETLINK, syscall.AF_UNSPEC)
		if err != nil {
			b.Skip(err)
		}
		msgs, err := syscall.ParseNetlinkMessage(tab)
		if err != nil {
			b.Fatal(err)
		}
		n = 0
		for i := range msgs {
			if msgs[i].Header.Type != syscall.RTM_NEWLINK {
				continue
			}
			if _, err := syscall.ParseNetlinkRouteAttr(&msgs[i]); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n), "links")
}
