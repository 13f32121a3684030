# Builds the node collectors' hwmon and thermal fixture, a laptop with a fan
# controller and a GPU: run `python3 mkhwmon.py hwmon-laptop` in an empty
# directory of that name's parent. /proc/self/mem stands for a probe that
# answers EIO: a read of it at offset 0 fails so.
import os,sys
R=sys.argv[1]
def w(p, s):
    p=os.path.join(R,p); os.makedirs(os.path.dirname(p),exist_ok=True)
    with open(p,'wb') as f: f.write(s if isinstance(s,bytes) else s.encode())
def ln(target, p):
    p=os.path.join(R,p); os.makedirs(os.path.dirname(p),exist_ok=True)
    os.symlink(target,p)
w('proc/stat','cpu  1 0 1 1 0 0 0 0 0 0\n')
def chip(n, devdir, name, attrs, sub='hwmon/'):
    d=f'sys/devices/{devdir}/{sub}hwmon{n}' if devdir else f'sys/devices/virtual/hwmon/hwmon{n}'
    ln(os.path.relpath(d,'sys/class/hwmon'), f'sys/class/hwmon/hwmon{n}')
    if name is not None: w(d+'/name', name)
    w(d+'/uevent','')
    w(d+'/power/runtime_status','unsupported\n')
    if devdir:
        parent='sys/devices/'+os.path.dirname(devdir)
        ln(os.path.join(os.path.relpath(parent,d),os.path.basename(devdir)), d+'/device')
    for k,v in attrs.items():
        w(d+'/'+k, v)
    return d

# acpitz: the thermal zone's own hwmon, whose device is the zone
chip(0,'virtual/thermal/thermal_zone0','acpitz\n',{'temp1_input':'27800\n','temp1_crit':'119000\n'},sub='')
# nvme
chip(1,'pci0000:00/0000:00:06.0/0000:02:00.0/nvme/nvme0','nvme\n',{
 'temp1_input':'35850\n','temp1_label':'Composite\n','temp1_max':'84850\n','temp1_min':'-273150\n','temp1_crit':'84850\n','temp1_alarm':'0\n',
 'temp2_input':'35850\n','temp2_label':'Sensor 1\n','temp2_max':'65261850\n','temp2_min':'-273150\n'},sub='')
# coretemp; its device directory holds power/ (a directory, not a power
# attribute) and a legacy copy of temp1_max that wins over hwmonN's
chip(2,'platform/coretemp.0','coretemp\n',{
 'temp1_input':'52000\n','temp1_label':'Package id 0\n','temp1_max':'90000\n','temp1_crit':'100000\n','temp1_crit_alarm':'0\n',
 'temp2_input':'49000\n','temp2_label':'Core 0\n','temp2_max':'100000\n','temp2_crit':'100000\n','temp2_crit_alarm':'0\n',
 'temp6_input':'51000\n','temp6_label':'Core 4\n','temp6_max':'100000\n','temp6_crit':'100000\n','temp6_crit_alarm':'0\n'})
w('sys/devices/platform/coretemp.0/modalias','platform:coretemp\n')
w('sys/devices/platform/coretemp.0/power/control','auto\n')
w('sys/devices/platform/coretemp.0/temp1_max','100000\n')
# nct6775 super-I/O fan controller
nct=chip(3,'platform/nct6775.656','nct6798\n',{
 'in0_input':'1040\n','in0_min':'0\n','in0_max':'1744\n','in0_alarm':'0\n','in0_beep':'0\n','in0_label':'Vcore\n',
 'in1_input':'1008\n','in1_min':'0\n','in1_max':'0\n','in1_alarm':'1\n',
 'fan1_input':'1102\n','fan1_min':'0\n','fan1_alarm':'0\n','fan1_beep':'0\n','fan1_pulses':'2\n','fan1_div':'8\n','fan1_target':'1100\n',
 'fan2_input':'0\n','fan2_min':'0\n','fan2_alarm':'0\n',
 'temp1_input':'34000\n','temp1_label':'SYSTIN\n','temp1_max':'80000\n','temp1_max_hyst':'75000\n','temp1_type':'4\n','temp1_offset':'0\n','temp1_beep':'0\n','temp1_alarm':'0\n',
 'temp2_input':'41500\n','temp2_label':b'CPUTIN\xff\xfe\n','temp2_type':'3\n',
 'temp3_input':'-62000\n','temp3_label':'AUXTIN0 "x\\y" \n',
 'temp4_label':'PCH_CHIP_TEMP\n',
 'temp8_input':'garbage\n',
 'pwm1':'128\n','pwm1_enable':'5\n','pwm1_mode':'1\n',
 'intrusion0_alarm':'1\n','intrusion0_beep':'0\n','beep_enable':'0\n','cpu0_vid':'1100\n','vrm':'100\n',
})
# probes that cannot be read: EIO (a read of /proc/self/mem at offset 0),
# a dangling link, a directory
os.symlink('/proc/self/mem', os.path.join(R,nct,'temp7_input'))
os.symlink('temp7_label.gone', os.path.join(R,nct,'temp7_label'))
w(nct+'/temp9_input/.keep','')
# amdgpu
chip(4,'pci0000:00/0000:00:08.1/0000:05:00.0','amdgpu\n',{
 'power1_average':'12000000\n','power1_cap':'35000000\n','power1_cap_max':'45000000\n','power1_cap_min':'0\n',
 'in0_input':'1350\n','in0_label':'vddgfx\n','in1_input':'950\n','in1_label':'vddnb\n',
 'freq1_input':'600000000\n','freq1_label':'sclk\n','freq2_input':'1000000000\n','freq2_label':'mclk\n',
 'temp1_input':'45000\n','temp1_label':'edge\n','temp1_crit':'100000\n','temp1_crit_hyst':'-273150\n',
 'pwm1':'0\n','pwm1_enable':'2\n','pwm1_min':'0\n','pwm1_max':'255\n'})
# battery: volts and amps
chip(5,'LNXSYSTM:00/LNXSYBUS:00/PNP0C0A:00/power_supply/BAT0','BAT0\n',{'in0_input':'12605\n','curr1_input':'1250\n'},sub='')
# an energy meter, and a humidity sensor with an update interval
chip(6,'platform/amd_energy.0','amd_energy\n',{'energy1_input':'123456789012\n','energy1_label':'Ecore000\n','energy17_input':'9876543210\n','energy17_label':'Esocket0\n'})
chip(7,'pci0000:00/0000:00:15.0/i2c-1/1-0044','sht3x\n',{'humidity1_input':'45123\n','temp1_input':'23456\n','update_interval':'1000\n','humidity1_alarm':'0\n'})
# one wireless card, three radios: chips under one parent device, two
# with the same name file
for n,name in ((8,'iwlwifi_1'),(9,'iwlwifi_1'),(10,'iwlwifi_2')):
    chip(n,'pci0000:00/0000:00:14.3',name+'\n',{'temp1_input':f'{40+n}000\n'})
# asus-nb-wmi: a fan chip and a fan-curve chip under one platform device
chip(11,'platform/asus-nb-wmi','asus\n',{'fan1_input':'2400\n','fan1_label':'cpu_fan\n','pwm1_enable':'2\n'})
chip(12,'platform/asus-nb-wmi','asus_custom_fan_curve\n',{'pwm1_auto_point1_temp':'39000\n','pwm1_auto_point1_pwm':'3\n','pwm1_enable':'1\n'})
# chips without a device link: one with a name file, one with none
chip(13,None,'acpi_fan\n',{'fan1_input':'0\n'})
chip(14,None,None,{'temp1_input':'30000\n','power1_input':'5500000\n','power1_accuracy':'95000\n','power1_average_interval':'1000\n'})
# a class entry that is no directory
w('sys/class/hwmon/README','not a chip\n')

# thermal zones and cooling devices
def zone(n, typ, temp):
    d=f'sys/devices/virtual/thermal/thermal_zone{n}'
    ln(f'../../devices/virtual/thermal/thermal_zone{n}', f'sys/class/thermal/thermal_zone{n}')
    w(d+'/type', typ); w(d+'/policy','step_wise\n'); w(d+'/mode','enabled\n')
    if isinstance(temp, str): w(d+'/temp', temp)
    return d
zone(0,'acpitz\n','27800\n')
zone(1,'x86_pkg_temp\n','52000\n')
zone(2,'INT3400 Thermal\n','20000\n')
z=zone(3,'iwlwifi_1\n',None)  # the radio is down: the read fails with EIO
os.symlink('/proc/self/mem', os.path.join(R,z,'temp'))
zone(4,b'B0D4\xff\n','-5500\n')
zone(10,'pch_skylake\n','46500\n')
zone(11,'SEN1\n','n/a\n')
def cdev(n, typ, cur, mx):
    d=f'sys/devices/virtual/thermal/cooling_device{n}'
    ln(f'../../devices/virtual/thermal/cooling_device{n}', f'sys/class/thermal/cooling_device{n}')
    w(d+'/type', typ)
    if cur is not None: w(d+'/cur_state', cur)
    if mx is not None: w(d+'/max_state', mx)
cdev(0,'Processor\n','0\n','3\n')
cdev(1,'Processor\n','1\n','3\n')
cdev(2,'intel_powerclamp\n','-1\n','50\n')
cdev(3,'TCC Offset\n','0\n','63\n')
cdev(4,'Fan\n',None,'1\n')   # no cur_state: left out
cdev(12,'LCD\n','7\n','15\n')
