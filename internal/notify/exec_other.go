//go:build !unix

package notify

import "os/exec"

// ownGroup leaves the command as it is: without process groups, a cancelled
// run kills only the command itself.
func ownGroup(cmd *exec.Cmd) {}
