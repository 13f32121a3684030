package procfs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// udevSample is the shape of a real entry: an NVMe disk on a desktop.
const udevSample = `S:disk/by-id/nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456
S:disk/by-path/pci-0000:01:00.0-nvme-1
W:27
I:3019744
E:ID_SERIAL_SHORT=S4EWNX0R123456
E:ID_WWN=eui.0025385c91b03a2b
E:ID_MODEL=Samsung SSD 970 EVO Plus 1TB
E:ID_REVISION=2B2QEXM7
E:ID_SERIAL=Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456
E:ID_PATH=pci-0000:01:00.0-nvme-1
E:ID_PART_TABLE_TYPE=gpt
G:systemd
Q:systemd
V:1
`

func TestParseUdevData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want UdevProps
	}{
		{name: "nvme disk", in: udevSample, want: UdevProps{
			Path: "pci-0000:01:00.0-nvme-1", WWN: "eui.0025385c91b03a2b", Model: "Samsung SSD 970 EVO Plus 1TB",
			Revision: "2B2QEXM7", SerialShort: "S4EWNX0R123456", Serial: "Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456",
		}},
		{name: "device mapper with a filesystem", in: "E:DM_NAME=vg0-root\nE:DM_UUID=LVM-abc\nE:DM_VG_NAME=vg0\nE:DM_LV_NAME=root\nE:ID_FS_TYPE=ext4\nE:ID_FS_USAGE=filesystem\nE:ID_FS_UUID=1234-5678\nE:ID_FS_VERSION=1.0", want: UdevProps{
			DMName: "vg0-root", DMUUID: "LVM-abc", DMVGName: "vg0", DMLVName: "root",
			FSType: "ext4", FSUsage: "filesystem", FSUUID: "1234-5678", FSVersion: "1.0",
		}},
		{name: "ata disk", in: "E:ID_ATA=1\nE:ID_ATA_ROTATION_RATE_RPM=7200\nE:ID_ATA_WRITE_CACHE=1\nE:ID_ATA_WRITE_CACHE_ENABLED=0\n", want: UdevProps{
			ATA: "1", ATARotationRateRPM: "7200", ATAWriteCache: "1", ATAWriteCacheOn: "0",
		}},
		{name: "value with = and a line without", in: "E:ID_MODEL=a=b\nE:ID_PATH\nE:=x\nID_WWN=not a property\n", want: UdevProps{Model: "a=b"}},
		{name: "empty", in: "", want: UdevProps{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Start from another device's values: none may survive.
			p := UdevProps{Model: "stale", DMName: "stale"}
			ParseUdevData([]byte(tt.in), &p)
			if diff := cmp.Diff(tt.want, p); diff != "" {
				t.Errorf("ParseUdevData(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseUdevDataSteadyAllocs(t *testing.T) {
	in := []byte(udevSample)
	var p UdevProps
	ParseUdevData(in, &p)
	if n := testing.AllocsPerRun(100, func() { ParseUdevData(in, &p) }); n != 0 {
		t.Errorf("ParseUdevData of an unchanged entry: %v allocations, want 0", n)
	}
}

func FuzzParseUdevData(f *testing.F) {
	f.Add([]byte(udevSample))
	f.Add([]byte("E:ID_MODEL=x\r\nE:ID_MODEL=y\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p UdevProps
		ParseUdevData(b, &p)
		again := p
		ParseUdevData(b, &again)
		if again != p {
			t.Errorf("ParseUdevData(%q) twice: %+v, then %+v", b, p, again)
		}
	})
}
