# The local identity provider (idp.py) for the Microsoft 365 sign-in tests: start, configure, read its log,
# "sign in" a device code, stop. Its tokens open the bed's Dovecot through XOAUTH2/OAUTHBEARER (auth/idp.passwd).

function Start-TestIdentityProvider {
    <#
    .SYNOPSIS
    Starts idp.py on 127.0.0.1 with the bed's CA-signed certificate.
    .PARAMETER Bed
    The bed (Start-TestDovecot): its certificate, its auth/idp.passwd, and its Dovecot for kicking expired sessions.
    .PARAMETER TokenLifetimeSeconds
    Lifetime of every access token (default 3600).
    .PARAMETER Apps
    Hashtable client id -> @{ public = $true; secret = '...'; certificate = 'path.pem'; error = '65001'; mailboxes = @(...) }.
    .PARAMETER Access
    Hashtable user -> shared mailboxes the user's tokens open as well.
    .OUTPUTS
    {Port, Tenant, Authority, ConfigPath, LogPath, Process}
    #>
    param([Parameter(Mandatory)] $Bed, [int] $TokenLifetimeSeconds = 3600, [hashtable] $Apps = @{}, [hashtable] $Access = @{}, [switch] $NoKick)
    $python = (Get-Command python3 -ErrorAction SilentlyContinue) ?? (Get-Command python)
    $id = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $tenant = [guid]::NewGuid().ToString()
    $idp = [pscustomobject]@{
        Port = 0; Tenant = $tenant; Authority = $null; Process = $null
        ConfigPath = Join-Path $Bed.Root "tmp/idp-$id.json"; LogPath = Join-Path $Bed.Root "tmp/idp-$id.jsonl"
        Config = @{ tenant = $tenant; lifetime = $TokenLifetimeSeconds; apps = $Apps; access = $Access }
    }
    Set-TestIdentityProviderConfig -Provider $idp
    $psi = [System.Diagnostics.ProcessStartInfo]::new($python.Source)
    $doveadm = (Get-Command doveadm -ErrorAction SilentlyContinue)?.Source ?? '/usr/bin/doveadm'
    $arguments = @('-u', (Join-Path $PSScriptRoot 'idp.py'), '--config', $idp.ConfigPath, '--log', $idp.LogPath,
        '--cert', $Bed.ServerCertPath, '--key', $Bed.ServerKeyPath, '--passwd', (Join-Path $Bed.Root 'auth/idp.passwd'),
        '--lifetime', 1800, '--parent-pid', $PID)
    if (-not $NoKick) { $arguments += @('--kick', "$doveadm -c $($Bed.ConfigPath) kick") }
    foreach ($a in $arguments) { $psi.ArgumentList.Add([string]$a) }
    $psi.RedirectStandardOutput = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(15000)) { $process.Kill(); throw 'idp.py did not report its port.' }
    $idp.Port = [int]$line.Result
    $idp.Process = $process
    $idp.Authority = "https://127.0.0.1:$($idp.Port)/$tenant"
    $idp
}

function Set-TestIdentityProviderConfig {
    # Writes the provider's config (it re-reads it on every request): change $Provider.Config, then call this.
    param([Parameter(Mandatory)] $Provider)
    $tmp = "$($Provider.ConfigPath).tmp"
    Set-Content -LiteralPath $tmp -Value ($Provider.Config | ConvertTo-Json -Depth 6) -Encoding utf8NoBOM
    Move-Item -LiteralPath $tmp -Destination $Provider.ConfigPath -Force
}

function Get-TestIdentityProviderEvent {
    # The provider's events (requests, device codes, grants, errors, expiries); -Event filters by kind.
    param([Parameter(Mandatory)] $Provider, [string] $Event)
    if (-not (Test-Path -LiteralPath $Provider.LogPath)) { return @() }
    @(Get-Content -LiteralPath $Provider.LogPath | ForEach-Object { $_ | ConvertFrom-Json } | Where-Object { -not $Event -or $_.event -eq $Event })
}

function Wait-TestDeviceCode {
    # Waits (bounded) for a device code to be pending and returns the newest: {user_code, client_id}.
    param([Parameter(Mandatory)] $Provider, [double] $TimeoutSec = 30)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        # Invoke-RestMethod writes a JSON array as one object: unroll it.
        $pending = @(Invoke-RestMethod -Uri "https://127.0.0.1:$($Provider.Port)/_test/pending" | ForEach-Object { $_ })
        if ($pending.Count -gt 0) { return $pending[-1] }
        Start-Sleep -Milliseconds 100
    }
    throw 'No device code was requested.'
}

function Approve-TestDeviceCode {
    # The user "signs in" in the browser: the code is approved for -UserName.
    param([Parameter(Mandatory)] $Provider, [Parameter(Mandatory)][string] $UserCode, [Parameter(Mandatory)][string] $UserName)
    $body = @{ user_code = $UserCode; username = $UserName } | ConvertTo-Json
    $null = Invoke-RestMethod -Method Post -Uri "https://127.0.0.1:$($Provider.Port)/_test/approve" -ContentType 'application/json' -Body $body
}

function Get-TestIssuedToken {
    # Every access and refresh token the provider issued (for tests that look for them where they must not be).
    param([Parameter(Mandatory)] $Provider)
    @(Invoke-RestMethod -Uri "https://127.0.0.1:$($Provider.Port)/_test/issued" | ForEach-Object { $_ })
}

function Stop-TestIdentityProvider {
    param([Parameter(Mandatory)] $Provider)
    if ($Provider.Process -and -not $Provider.Process.HasExited) { $Provider.Process.Kill(); [void]$Provider.Process.WaitForExit(5000) }
}

Export-ModuleMember -Function Start-TestIdentityProvider, Set-TestIdentityProviderConfig, Get-TestIdentityProviderEvent, Wait-TestDeviceCode, Approve-TestDeviceCode, Get-TestIssuedToken, Stop-TestIdentityProvider
