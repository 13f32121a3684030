package procfs

import (
	"context"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// TestStatfsGuardHungDuplicate: a hung mount point listed twice (a mount
// over a mount) costs one timeout in the Stat that meets it, one goroutine,
// and nothing in the next Stat; once it returns it is asked again.
func TestStatfsGuardHungDuplicate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		calls := map[string]int{}
		release := make(chan struct{})
		statfs := func(path string) (FSStat, error) {
			mu.Lock()
			calls[path]++
			mu.Unlock()
			if path == "/mnt/nas" {
				<-release
			}
			return FSStat{Blocks: uint64(len(path))}, nil
		}
		g := NewStatfsGuard("/", statfs)
		mps := []Mount{{MountPoint: "/", FSType: "ext4"}, {MountPoint: "/mnt/nas", FSType: "nfs4"},
			{MountPoint: "/home", FSType: "fuse.sshfs"}, {MountPoint: "/mnt/nas", FSType: "nfs4"}}
		answered := func(as []StatfsAnswer) []bool {
			var b []bool
			for _, a := range as {
				b = append(b, a.Answered)
			}
			return b
		}
		for i, wantWait := range []time.Duration{time.Second, 0} {
			start := time.Now()
			as := g.Stat(context.Background(), start, time.Second, mps, nil)
			if waited := time.Since(start); waited != wantWait {
				t.Errorf("Stat %d waited %v, want %v", i, waited, wantWait)
			}
			if got, want := answered(as), []bool{true, false, true, false}; !slices.Equal(got, want) {
				t.Errorf("Stat %d answered %v, want %v", i, got, want)
			}
			if as[2].Stat.Blocks != 5 {
				t.Errorf("Stat %d: /home's answer %+v", i, as[2])
			}
		}
		close(release)
		synctest.Wait()
		as := g.Stat(context.Background(), time.Now(), time.Second, mps, nil)
		if got, want := answered(as), []bool{true, true, true, true}; !slices.Equal(got, want) {
			t.Errorf("after the mount came back, answered %v, want %v", got, want)
		}
		mu.Lock()
		defer mu.Unlock()
		if calls["/mnt/nas"] != 2 || calls["/"] != 3 {
			t.Errorf("statfs calls %v, want /mnt/nas twice (stuck, then again) and / once a Stat", calls)
		}
	})
}

// TestStatfsGuardAsksLocalFilesystemsInline: a filesystem whose statfs
// answers from memory is asked on the caller's goroutine, so it is
// answered however long it takes, and the timeout is for the others: an
// NFS mount as slow is reported unanswered.
func TestStatfsGuardAsksLocalFilesystemsInline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		statfs := func(path string) (FSStat, error) {
			time.Sleep(2 * time.Second)
			return FSStat{Blocks: uint64(len(path))}, nil
		}
		g := NewStatfsGuard("/", statfs)
		as := g.Stat(context.Background(), time.Now(), time.Second,
			[]Mount{{MountPoint: "/", FSType: "ext4"}, {MountPoint: "/mnt/nas", FSType: "nfs4"}}, nil)
		if !as[0].Answered || as[0].Stat.Blocks != 1 || as[1].Answered {
			t.Errorf("answers %+v, want / answered (ext4, inline) and /mnt/nas not (nfs4, past the timeout)", as)
		}
		time.Sleep(time.Second) // the NFS call's end
	})
}
