package procfs

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// procEventMsg builds one netlink message of the connector carrying a
// proc_event of kind what with the given data words, as the kernel sends it.
func procEventMsg(what ProcEventKind, nanos uint64, words ...uint32) []byte {
	ne := binary.NativeEndian
	dlen := procEvHdrLen + 4*len(words)
	b := make([]byte, nlmsgHdrLen+cnMsgLen+dlen)
	ne.PutUint32(b, uint32(len(b)))
	ne.PutUint16(b[4:], nlmsgDone)
	c := b[nlmsgHdrLen:]
	ne.PutUint32(c, cnIdxProc)
	ne.PutUint32(c[4:], cnValProc)
	ne.PutUint16(c[16:], uint16(dlen))
	d := c[cnMsgLen:]
	ne.PutUint32(d, uint32(what))
	ne.PutUint64(d[8:], nanos)
	for i, w := range words {
		ne.PutUint32(d[procEvHdrLen+4*i:], w)
	}
	return b
}

func TestParseProcEvents(t *testing.T) {
	t.Parallel()
	fork := procEventMsg(ProcEventFork, 100, 10, 10, 11, 11)
	exec := procEventMsg(ProcEventExec, 150, 11, 11)
	exit := procEventMsg(ProcEventExit, 900, 11, 11, 0x86, 17, 10, 10)
	exitOld := procEventMsg(ProcEventExit, 900, 12, 12, 1<<8, 17)
	ack := procEventMsg(ProcEventNone, 0, 0)
	uid := procEventMsg(4, 5, 1, 1, 0, 0)
	other := procEventMsg(ProcEventExit, 1, 1, 1, 1, 1)
	binary.NativeEndian.PutUint32(other[nlmsgHdrLen:], 2) // another connector
	short := procEventMsg(ProcEventFork, 1, 1, 1)
	tests := []struct {
		name    string
		in      []byte
		want    []ProcEvent
		wantErr bool
	}{
		{name: "fork exec exit in one datagram", in: cat(fork, exec, exit), want: []ProcEvent{
			{Kind: ProcEventFork, Nanos: 100, ParentPID: 10, ParentTGID: 10, PID: 11, TGID: 11},
			{Kind: ProcEventExec, Nanos: 150, PID: 11, TGID: 11},
			{Kind: ProcEventExit, Nanos: 900, PID: 11, TGID: 11, ExitCode: 0x86, ExitSignal: 17, ParentPID: 10, ParentTGID: 10},
		}},
		{name: "exit before 4.18 has no parent", in: exitOld, want: []ProcEvent{
			{Kind: ProcEventExit, Nanos: 900, PID: 12, TGID: 12, ExitCode: 1 << 8, ExitSignal: 17},
		}},
		{name: "listen answer", in: ack, want: []ProcEvent{{Kind: ProcEventNone}}},
		{name: "unknown kind and other connector skipped", in: cat(uid, other, exec), want: []ProcEvent{
			{Kind: ProcEventExec, Nanos: 150, PID: 11, TGID: 11},
		}},
		{name: "empty", in: nil},
		{name: "fork too short", in: cat(exec, short), want: []ProcEvent{{Kind: ProcEventExec, Nanos: 150, PID: 11, TGID: 11}}, wantErr: true},
		{name: "truncated header", in: fork[:10], wantErr: true},
		{name: "length beyond the datagram", in: fork[:len(fork)-1], wantErr: true},
		{name: "netlink length too small", in: []byte{4, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseProcEvents(tt.in, nil)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseProcEvents(%x) error %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrProcEventFormat) {
				t.Errorf("ParseProcEvents(%x) error %v does not wrap ErrProcEventFormat", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseProcEvents(%x) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

func FuzzParseProcEvents(f *testing.F) {
	f.Add(cat(procEventMsg(ProcEventFork, 100, 10, 10, 11, 11), procEventMsg(ProcEventExit, 900, 11, 11, 0x86, 17, 10, 10)))
	f.Add(procEventMsg(ProcEventExec, 1, 2, 2))
	f.Add(procEventMsg(ProcEventNone, 0, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		evs, err := ParseProcEvents(b, nil)
		if err != nil && !errors.Is(err, ErrProcEventFormat) {
			t.Fatalf("error %v does not wrap ErrProcEventFormat", err)
		}
		if len(evs) > len(b)/(nlmsgHdrLen+cnMsgLen+procEvHdrLen) {
			t.Fatalf("%d events from %d bytes", len(evs), len(b))
		}
	})
}
