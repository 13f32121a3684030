package procfs

import (
	"bytes"
	"path/filepath"
)

// Link is one network device as an rtnetlink link dump describes it (an
// RTM_NEWLINK message: struct ifinfomsg and its IFLA_* attributes). Name,
// Address, Broadcast and Alias point into the buffer of the dump that
// returned them and hold only until the next dump.
type Link struct {
	Index int32  // ifi_index
	Type  uint16 // ifi_type (ARPHRD_*)
	// Flags is ifi_flags, which is dev_get_flags(), not the device's flags
	// that sysfs shows: see NetClass.
	Flags uint32

	Name, Address, Broadcast, Alias []byte

	MTU, TxQueueLen, Group         uint32
	Promiscuity, Allmulti          uint32
	CarrierChanges, CarrierUpCount uint32
	CarrierDownCount               uint32
	IfLink                         int32 // IFLA_LINK: only when Has&LinkHasIfLink
	OperState, LinkMode, Carrier   uint8
	Stats                          [LinkStatsLen]uint64 // IFLA_STATS64, the first NStats fields
	NStats                         int
	Has                            LinkAttr
}

// LinkAttr is a set of the IFLA_* attributes a Link's message carried,
// for those a kernel may lack.
type LinkAttr uint32

// The attributes a Link records the presence of.
const (
	LinkHasMTU LinkAttr = 1 << iota
	LinkHasTxQueueLen
	LinkHasGroup
	LinkHasPromiscuity
	LinkHasAllmulti // newer than the others: IFLA_ALLMULTI is 61
	LinkHasCarrierChanges
	LinkHasCarrierUpCount
	LinkHasCarrierDownCount
	LinkHasIfLink // absent when the device is its own link
	LinkHasOperState
	LinkHasLinkMode
	LinkHasCarrier
)

// The fields of struct rtnl_link_stats64 a Link keeps, in the kernel's
// order; LinkStatsLen ends after rx_nohandler (Linux 4.6), and kernels
// before it give LinkRxNoHandler fields.
const (
	LinkRxPackets = iota
	LinkTxPackets
	LinkRxBytes
	LinkTxBytes
	LinkRxErrors
	LinkTxErrors
	LinkRxDropped
	LinkTxDropped
	LinkMulticast
	LinkCollisions
	LinkRxLengthErrors
	LinkRxOverErrors
	LinkRxCRCErrors
	LinkRxFrameErrors
	LinkRxFIFOErrors
	LinkRxMissedErrors
	LinkTxAbortedErrors
	LinkTxCarrierErrors
	LinkTxFIFOErrors
	LinkTxHeartbeatErrors
	LinkTxWindowErrors
	LinkRxCompressed
	LinkTxCompressed
	LinkRxNoHandler
	LinkStatsLen
)

// Indexes into NetClassText.
const (
	NetClassAddress = iota
	NetClassBroadcast
	NetClassDuplex
	NetClassIfalias
	NetClassOperstate
)

// Indexes into NetClassInt.
const (
	NetClassAddrAssignType = iota
	NetClassCarrier
	NetClassCarrierChanges
	NetClassCarrierUpCount
	NetClassCarrierDownCount
	NetClassDevID
	NetClassDormant
	NetClassFlags
	NetClassIfindex
	NetClassIflink
	NetClassLinkMode
	NetClassMTU
	NetClassNameAssignType
	NetClassNetdevGroup
	NetClassSpeed
	NetClassTxQueueLen
	NetClassType
)

// IFF_* flags of linux/if.h that tell ifi_flags from sysfs's flags.
const (
	iffUp       = 0x1
	iffRunning  = 0x40
	iffPromisc  = 0x100
	iffAllmulti = 0x200
	iffLowerUp  = 0x10000
	iffDormant  = 0x20000
)

// operStates are IF_OPER_*'s names as sysfs's operstate writes them.
var operStates = [...]string{"unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"}

// Up reports whether the device is administratively up (IFF_UP): only
// then does sysfs answer its carrier, dormant, speed and duplex.
func (l *Link) Up() bool { return l.Flags&iffUp != 0 }

// NetClass sets in c what sysfs's /sys/class/net/<name> would show for the
// attributes the link carries, as net/core/net-sysfs.c formats them. A
// link dump lacks five, which NetClass leaves as they are for the caller
// to read from sysfs: dev_id and name_assign_type, fixed for a device's
// life but that a rename changes name_assign_type; addr_assign_type,
// which setting the address changes even to the address it had; and
// speed and duplex, which the driver answers at each read. It returns false when the dump
// lacks the promiscuity and allmulti counts (IFLA_ALLMULTI came late),
// without which the device's flags cannot be told from ifi_flags:
// c.Has[NetClassFlags] is then false and the caller reads sysfs's flags.
func (l *Link) NetClass(c *NetClassIface) (flagsKnown bool) {
	var hw [3 * maxHWAddr]byte
	setText(&c.Text[NetClassAddress], appendHWAddr(hw[:0], l.Address))
	setText(&c.Text[NetClassBroadcast], appendHWAddr(hw[:0], l.Broadcast))
	// sysfs's ifalias ends in a newline that the file path trims, with
	// any space around the alias.
	setText(&c.Text[NetClassIfalias], bytes.TrimSpace(l.Alias))
	// IFLA_OPERSTATE already says down for a device that is not running,
	// as sysfs does; a state past the table is EINVAL there.
	c.Text[NetClassOperstate] = ""
	if l.Has&LinkHasOperState != 0 && int(l.OperState) < len(operStates) {
		c.Text[NetClassOperstate] = operStates[l.OperState]
	}

	up := l.Up()
	set := func(i int, v int64, ok bool) { c.Int[i], c.Has[i] = v, ok }
	// sysfs answers carrier and dormant only while the device runs; its
	// dormant is netif_dormant(), which ifi_flags carries as IFF_DORMANT
	// exactly then.
	set(NetClassCarrier, int64(l.Carrier), up && l.Has&LinkHasCarrier != 0)
	set(NetClassDormant, b2i(l.Flags&iffDormant != 0), up)
	// sysfs prints the unsigned counts and sizes below with %d.
	set(NetClassCarrierChanges, int64(int32(l.CarrierChanges)), l.Has&LinkHasCarrierChanges != 0)
	set(NetClassCarrierUpCount, int64(int32(l.CarrierUpCount)), l.Has&LinkHasCarrierUpCount != 0)
	set(NetClassCarrierDownCount, int64(int32(l.CarrierDownCount)), l.Has&LinkHasCarrierDownCount != 0)
	set(NetClassIfindex, int64(l.Index), true)
	// The kernel leaves IFLA_LINK out when dev_get_iflink() is the device
	// itself.
	iflink := l.Index
	if l.Has&LinkHasIfLink != 0 {
		iflink = l.IfLink
	}
	set(NetClassIflink, int64(iflink), true)
	set(NetClassLinkMode, int64(l.LinkMode), l.Has&LinkHasLinkMode != 0)
	set(NetClassMTU, int64(int32(l.MTU)), l.Has&LinkHasMTU != 0)
	set(NetClassNetdevGroup, int64(int32(l.Group)), l.Has&LinkHasGroup != 0)
	set(NetClassTxQueueLen, int64(int32(l.TxQueueLen)), l.Has&LinkHasTxQueueLen != 0)
	set(NetClassType, int64(l.Type), true)

	// sysfs shows dev->flags; ifi_flags is dev_get_flags(), which takes
	// PROMISC and ALLMULTI from what the user asked for (gflags) and
	// computes RUNNING, LOWER_UP and DORMANT from the device's state. The
	// core keeps PROMISC and ALLMULTI in dev->flags exactly while their
	// counts are not zero (a bridge port or a packet socket raises the
	// count without the user's flag), and never sets the other three
	// there itself.
	if l.Has&(LinkHasPromiscuity|LinkHasAllmulti) != LinkHasPromiscuity|LinkHasAllmulti {
		c.Has[NetClassFlags] = false
		return false
	}
	flags := l.Flags &^ (iffPromisc | iffAllmulti | iffRunning | iffLowerUp | iffDormant)
	if l.Promiscuity != 0 {
		flags |= iffPromisc
	}
	if l.Allmulti != 0 {
		flags |= iffAllmulti
	}
	set(NetClassFlags, int64(flags), true)
	return true
}

// NetDev sets d's counters (not its name) to what /proc/net/dev shows for
// the link, folded the way the kernel folds them there, and returns
// rx_nohandler, which /proc/net/dev lacks. ok is false when the link
// carried no IFLA_STATS64 whole enough for /proc/net/dev's columns;
// noHandler is false before Linux 4.6.
func (l *Link) NetDev(d *NetDev) (rxNoHandler uint64, noHandler, ok bool) {
	s := &l.Stats
	if l.NStats < LinkRxNoHandler {
		return 0, false, false
	}
	d.RxBytes, d.RxPackets, d.RxErrs = s[LinkRxBytes], s[LinkRxPackets], s[LinkRxErrors]
	d.RxDrop = s[LinkRxDropped] + s[LinkRxMissedErrors]
	d.RxFIFO = s[LinkRxFIFOErrors]
	d.RxFrame = s[LinkRxLengthErrors] + s[LinkRxOverErrors] + s[LinkRxCRCErrors] + s[LinkRxFrameErrors]
	d.RxCompressed, d.RxMulticast = s[LinkRxCompressed], s[LinkMulticast]
	d.TxBytes, d.TxPackets, d.TxErrs, d.TxDrop = s[LinkTxBytes], s[LinkTxPackets], s[LinkTxErrors], s[LinkTxDropped]
	d.TxFIFO, d.TxColls = s[LinkTxFIFOErrors], s[LinkCollisions]
	d.TxCarrier = s[LinkTxCarrierErrors] + s[LinkTxAbortedErrors] + s[LinkTxWindowErrors] + s[LinkTxHeartbeatErrors]
	d.TxCompressed = s[LinkTxCompressed]
	if l.NStats > LinkRxNoHandler {
		return s[LinkRxNoHandler], true, true
	}
	return 0, false, true
}

// maxHWAddr is MAX_ADDR_LEN.
const maxHWAddr = 32

// appendHWAddr appends a as sysfs_format_mac formats it: lower-case hex
// bytes joined by ':', nothing for no address. Past MAX_ADDR_LEN it is
// cut (the kernel never sends more).
func appendHWAddr(dst, a []byte) []byte {
	const hex = "0123456789abcdef"
	for i, c := range a[:min(len(a), maxHWAddr)] {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, hex[c>>4], hex[c&0xf])
	}
	return dst
}

// setText keeps *s when it already reads b, so an unchanged value costs
// no allocation.
func setText(s *string, b []byte) {
	if *s != string(b) {
		*s = string(b)
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// OwnRoots reports whether fs reads this process's own /proc and /sys.
// Only then can a socket (rtnetlink) stand in for their files: a /proc or
// /sys mounted elsewhere is a fixture or another machine's.
func (fs FS) OwnRoots() bool {
	return filepath.Clean(fs.proc) == "/proc" && filepath.Clean(fs.sys) == "/sys"
}

// LinksMatchSysfs reports whether /sys/class/net lists exactly the links
// of a dump, each under its name with its ifindex. It does not when /sys
// was mounted in another network namespace than the caller's (a
// container given its host's /sys), or when a device came or went
// between the dump and the listing.
func (fs FS) LinksMatchSysfs(links []Link) (bool, error) {
	devs, err := fs.NetClassDevices()
	if err != nil {
		return false, err
	}
	if len(devs) != len(links) {
		return false, nil
	}
	var buf []byte
	for i := range links {
		l := &links[i]
		var missing bool
		buf, missing, err = SysfsAttr(fs.Sys("class", "net", string(l.Name), "ifindex"), buf)
		if err != nil {
			return false, err
		}
		if v, ok := ParseSysfsInt(buf); missing || !ok || v != int64(l.Index) {
			return false, nil
		}
	}
	return true, nil
}
