# Sample mail for the demo mailbox: a few realistic messages, one with an attachment, mixed flags.
function Add-SampleMail {
    param([Parameter(Mandatory)] $Bed, [Parameter(Mandatory)] [string] $User)
    $now = Get-Date
    $null = Add-TestMessage -Bed $Bed -User $User -Subject 'Disk space warning on web01' -From 'alerts@monitoring.example' -To "$User@example.test" -Body "/var is 91% full." -InternalDate $now.AddDays(-3)
    $null = Add-TestMessage -Bed $Bed -User $User -Subject 'Quarterly report' -From 'finance@example.test' -To "$User@example.test" -Body 'The report is attached.' -AttachmentName 'report-q3.csv' -AttachmentBytes ([Text.Encoding]::UTF8.GetBytes("region,total`r`nnorth,42`r`n")) -InternalDate $now.AddDays(-2) -Flags 'S'
    $null = Add-TestMessage -Bed $Bed -User $User -Subject 'Grüße aus Zürich' -From 'Jürgen <juergen@example.test>' -To "$User@example.test" -Body 'Bis bald!' -InternalDate $now.AddDays(-1) -Flags 'SF'
    $null = Add-TestMessage -Bed $Bed -User $User -Subject 'Backup completed' -From 'alerts@monitoring.example' -To "$User@example.test" -Body 'Nightly backup OK.' -InternalDate $now.AddHours(-2)
}
