<#
HelpBuilder.psm1 - turns the markdown pages in docs/ into the help files Get-Help reads,
without platyPS:
  * <Assembly>.dll-Help.xml (MAML) for the compiled cmdlets, and
  * about_*.help.txt (plain text) for the about topics.

    Import-Module ./build/HelpBuilder.psm1
    Build-MamlHelp -DocsPath ./docs -ModuleManifest ./out/MailProtocols/MailProtocols.psd1 `
                   -OutputPath ./out/MailProtocols/en-US
    Test-MarkdownHelp -DocsPath ./docs -ModuleManifest ...   # only the checks; returns the problems

Syntax and parameter attributes (type, required, position, pipeline input, aliases, wildcards)
come from Get-Command on the built module; the markdown supplies only the words.

MARKDOWN FORMAT (docs/README.md is the contributor version of this)
  Files: <CmdletName>.md for each exported cmdlet, about_<Topic>.md for about topics.
         Other pages (README.md, security.md: no hyphen in the name) and anything
         not ending in .md are ignored.
  Cmdlet page:
    # <CmdletName>                    first heading, must equal the file name
    ## SYNOPSIS                       required, one paragraph
    ## SYNTAX                         optional and ignored (syntax is generated)
    ## DESCRIPTION                    required
    ## EXAMPLES                       required, >= 2 x "### <title>" each with a ``` code block;
                                      the first code block is the example code, everything
                                      else under the title (text, later code blocks) is remarks
    ## PARAMETERS                     "### -<Name>" + description for every parameter except the
                                      common ones; -WhatIf/-Confirm get standard text if absent
    ## INPUTS / ## OUTPUTS            optional, "### <TypeName>" + description; when absent they
                                      come from ValueFromPipeline parameter types / [OutputType]
    ## NOTES                          optional free text
    ## RELATED LINKS                  optional list: "- [Text](Target)"; only http(s) targets
                                      are kept as URIs (relative .md links become plain text)
    Any other "##" section, and text before the first "###" of EXAMPLES/PARAMETERS/INPUTS/
    OUTPUTS, is an error (it would be lost).
  About page: "# about_<Topic>", then "## SHORT DESCRIPTION" and "## LONG DESCRIPTION"
    (both required) and any other ## sections (e.g. "## SEE ALSO"); "###" makes a sub-heading.
  Text: paragraphs are separated by blank lines; "-", "*", "+", "1." list items; fenced or
    4-space indented code blocks; lines starting with "|" (tables) are kept verbatim.
    Emphasis, `code` quotes and link syntax are stripped ([text](http://x) -> "text (http://x)").
    A YAML front-matter block (--- ... ---) at the top of a file is ignored.
    Section names are case-insensitive.
#>
Set-StrictMode -Version 3.0

$script:Ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
$script:CmdletSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
$script:StandardText = @{   # same wording as the help of the built-in cmdlets
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

#region Metadata (child process)

function Get-CmdletMetadata([string]$ModuleManifest) {
    # Importing the module here would load its dlls into the build process for good (they
    # cannot be unloaded), locking them for the next build. A child pwsh imports it instead
    # and hands back plain JSON.
    $manifest = (Resolve-Path -LiteralPath $ModuleManifest -ErrorAction Stop).Path
    $child = {
        param($Manifest, $OutFile)
        $ErrorActionPreference = 'Stop'; $PSStyle.OutputRendering = 'PlainText'  # readable errors
        $common = [System.Management.Automation.Cmdlet]::CommonParameters
        $module = Import-Module -Name $Manifest -PassThru -WarningAction SilentlyContinue
        function TypeName($t, [switch]$Full) {
            if ($t.IsGenericType) { [Microsoft.PowerShell.ToStringCodeMethods]::Type([psobject]$t) }
            elseif ($Full) { $t.FullName } else { $t.Name }
        }
        $cmdlets = foreach ($c in $module.ExportedCmdlets.Values) {
            [ordered]@{
                Name = $c.Name; Verb = $c.Verb; Noun = $c.Noun; HelpFile = $c.HelpFile
                OutputType    = @($c.OutputType | ForEach-Object Name)
                ParameterSets = @(foreach ($s in $c.ParameterSets) {
                        [ordered]@{ Name = $s.Name; Parameters = @(
                                foreach ($p in $s.Parameters | Where-Object Name -NotIn $common) {
                                    [ordered]@{
                                        Name = $p.Name; Type = TypeName $p.ParameterType
                                        FullType = TypeName $p.ParameterType -Full
                                        IsSwitch = $p.ParameterType -eq [switch]
                                        Mandatory = $p.IsMandatory
                                        Position = if ($p.Position -ge 0) { $p.Position } else { $null } # MinValue = named
                                        ByValue = $p.ValueFromPipeline; ByPropertyName = $p.ValueFromPipelineByPropertyName
                                        Aliases = @($p.Aliases)
                                        Globbing = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0
                                    }
                                })
                        }
                    })
            }
        }
        ConvertTo-Json -InputObject @($cmdlets) -Depth 10 | Set-Content -LiteralPath $OutFile -Encoding utf8
    }
    $quote = { "'" + ($args[0] -replace "'", "''") + "'" }
    $jsonFile = [IO.Path]::GetTempFileName()
    $command = "& {$child} $(& $quote $manifest) $(& $quote $jsonFile)"
    try {
        # The same PowerShell as the build. Not the process path: for the dotnet-tool pwsh that is 'dotnet'.
        $pwsh = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
        if (-not (Test-Path -LiteralPath $pwsh)) { $pwsh = 'pwsh' }
        $output = & $pwsh -NoProfile -NonInteractive -Command $command 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Reading cmdlet metadata from '$ModuleManifest' failed:`n$($output -join "`n")" }
        return @(Get-Content -LiteralPath $jsonFile -Raw | ConvertFrom-Json)
    } finally { Remove-Item -LiteralPath $jsonFile -ErrorAction SilentlyContinue }
}

#endregion
#region Markdown parsing

function ConvertFrom-Inline([string]$Text) {
    # Backslash escapes are parked in the private-use area so the emphasis rules skip them.
    $t = [regex]::Replace($Text, '\\([\\`*_\[\]()#<>|!+.-])', { [string][char](0xE000 + [int][char]$args[0].Groups[1].Value) })
    $t = [regex]::Replace($t, '!?\[([^\]]*)\]\(([^)\s]*)[^)]*\)', {
            param($m) if ($m.Groups[2].Value -match '^https?://') { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } else { $m.Groups[1].Value } })
    $t = $t -replace '`+([^`]+?)`+', '$1'
    $t = $t -replace '(\*\*|__)(?=\S)(.+?)(?<=\S)\1', '$2'
    $t = $t -replace '(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])', '$1' -replace '(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)', '$1'
    [regex]::Replace($t, '[\uE000-\uE0FF]', { [string][char]([int][char]$args[0].Value - 0xE000) })
}

function Read-MarkdownFile([string]$Path) {
    # -> @{ Title; Sections = ordered 'NAME' -> lines; Problems }. Fence-aware, so "# comment"
    # lines inside code blocks are not headings.
    $page = @{ Title = $null; Sections = [ordered]@{}; Problems = [Collections.Generic.List[string]]::new() }
    $lines = @(Get-Content -LiteralPath $Path -Encoding utf8)
    $start = 0
    if ($lines.Count -and $lines[0] -eq '---') {   # YAML front matter
        $end = [array]::IndexOf($lines, '---', 1); $start = if ($end -gt 0) { $end + 1 } else { 0 }
    }
    $current = $null; $fence = $null
    foreach ($line in $lines | Select-Object -Skip $start) {
        if ($fence) { if ($line -match "^\s*$fence\s*$") { $fence = $null } }
        elseif ($line -match '^\s*(```+|~~~+)') { $fence = $Matches[1] }
        elseif ($line -match '^#\s+(.+?)\s*$' -and -not $page.Title) { $page.Title = $Matches[1]; continue }
        elseif ($line -match '^##\s+(.+?)\s*#*\s*$') {
            $name = $Matches[1].ToUpperInvariant()
            if ($page.Sections.Contains($name)) { $page.Problems.Add("section '## $name' appears twice") }
            $current = [Collections.Generic.List[string]]::new(); $page.Sections[$name] = $current
            continue
        }
        if ($null -ne $current) { $current.Add($line) }
        elseif ($line.Trim()) { $page.Problems.Add("text before the first '##' section is ignored: '$line'") }
    }
    if (-not $page.Title) { $page.Problems.Add("no '# Title' heading") }
    $page
}

function Split-Subsection([string[]]$Lines, [string]$Section, $Problems) {
    # "### Title" blocks of a section -> list of @{ Title; Lines }.
    $items = [Collections.Generic.List[object]]::new(); $current = $null; $fence = $null
    foreach ($line in $Lines) {
        if ($fence) { if ($line -match "^\s*$fence\s*$") { $fence = $null } }
        elseif ($line -match '^\s*(```+|~~~+)') { $fence = $Matches[1] }
        elseif ($line -match '^###\s+(.+?)\s*#*\s*$') {
            $current = @{ Title = $Matches[1]; Lines = [Collections.Generic.List[string]]::new() }
            $items.Add($current); continue
        }
        if ($current) { $current.Lines.Add($line) }
        elseif ($line.Trim()) { $Problems.Add("$Section has text before its first '###' heading: '$line'") }
    }
    $items
}

function ConvertTo-Block([string[]]$Lines) {
    # Markdown lines -> blocks: Kind = para | item | code (fenced or 4-space indented) | pre (table) | heading.
    $blocks = [Collections.Generic.List[object]]::new()
    $open = $null; $fence = $null
    foreach ($line in $Lines) {
        if ($fence) {
            if ($line -match "^\s*$fence\s*$") { $fence = $null; $open = $null } else { $open.Lines.Add($line) }
            continue
        }
        if ($line -match '^\s*(```+|~~~+)') {
            $fence = $Matches[1]
            $open = [pscustomobject]@{ Kind = 'code'; Lines = [Collections.Generic.List[string]]::new() }
            $blocks.Add($open); continue
        }
        if ($line -match '^\s*\|') {
            if (-not ($open -and $open.Kind -eq 'pre')) {
                $open = [pscustomobject]@{ Kind = 'pre'; Lines = [Collections.Generic.List[string]]::new() }
                $blocks.Add($open)
            }
            $open.Lines.Add($line.Trim()); continue
        }
        if ($open -and $open.Kind -eq 'code') {   # an indented code block (fenced ones are handled above)
            if ($line -match '^(    |\t)(.*)$' -or -not $line.Trim()) { $open.Lines.Add($(if ($line.Trim()) { $Matches[2] } else { '' })); continue }
            while ($open.Lines[-1] -eq '') { $open.Lines.RemoveAt($open.Lines.Count - 1) }
            $open = $null
        }
        if (-not $line.Trim()) { $open = $null; continue }
        if (-not $open -and $line -match '^(    |\t)(.*)$') {   # indented code can't interrupt a paragraph
            $open = [pscustomobject]@{ Kind = 'code'; Lines = [Collections.Generic.List[string]]::new() }
            $open.Lines.Add($Matches[2]); $blocks.Add($open); continue
        }
        if ($line -match '^#{1,6}\s+(.+?)\s*#*\s*$') {
            $blocks.Add([pscustomobject]@{ Kind = 'heading'; Text = $Matches[1] }); $open = $null; continue
        }
        if ($line -match '^\s*([-*+]|\d+[.)])\s+(.*)$') {
            # Keep both groups first: the -match below replaces $Matches.
            $bullet = $Matches[1]; $itemText = $Matches[2]
            $marker = if ($bullet -match '\d') { $bullet } else { '-' }
            $open = [pscustomobject]@{ Kind = 'item'; Marker = $marker; Text = $itemText }
            $blocks.Add($open); continue
        }
        if ($open -and $open.Kind -in 'para', 'item') { $open.Text += ' ' + $line.Trim(); continue }
        $open = [pscustomobject]@{ Kind = 'para'; Text = $line.Trim() }
        $blocks.Add($open)
    }
    if ($open -and $open.Kind -eq 'code' -and -not $fence) { while ($open.Lines.Count -and $open.Lines[-1] -eq '') { $open.Lines.RemoveAt($open.Lines.Count - 1) } }
    $blocks
}

function ConvertTo-Paragraph($Blocks) {
    # Blocks -> maml:para strings. Get-Help keeps line breaks inside a para but trims its
    # leading blanks, so code is not indented; a run of list items becomes one para (no gaps).
    $items = @()
    foreach ($b in @($Blocks) + @($null)) {
        if ($b -and $b.Kind -eq 'item') { $items += "$($b.Marker) $(ConvertFrom-Inline $b.Text)"; continue }
        if ($items) { $items -join "`n"; $items = @() }
        if (-not $b) { break }
        if ($b.Kind -in 'code', 'pre') { $b.Lines -join "`n" } else { ConvertFrom-Inline $b.Text }
    }
}

function Read-CmdletPage([string]$Path) {
    $md = Read-MarkdownFile $Path
    $p = $md.Problems
    $page = [ordered]@{ Title = $md.Title; Problems = $p; Synopsis = ''; Description = @(); Examples = @()
        Parameters = [ordered]@{}; Inputs = @(); Outputs = @(); Notes = @(); Links = @()
    }
    foreach ($name in $md.Sections.Keys) {
        if ($name -notin $script:CmdletSections) { $p.Add("unknown section '## $name'") }
    }
    $text = { param($n) if ($md.Sections.Contains($n)) { @(ConvertTo-Paragraph (ConvertTo-Block $md.Sections[$n])) } else { @() } }
    $page.Synopsis = (& $text 'SYNOPSIS') -join ' '
    $page.Description = & $text 'DESCRIPTION'
    $page.Notes = & $text 'NOTES'
    if (-not $page.Synopsis.Trim()) { $p.Add('SYNOPSIS is missing or empty') }
    if (-not ($page.Description -join '').Trim()) { $p.Add('DESCRIPTION is missing or empty') }

    $sub = { param($n) if ($md.Sections.Contains($n)) { Split-Subsection $md.Sections[$n] $n $p } else { @() } }
    $page.Examples = @(foreach ($ex in & $sub 'EXAMPLES') {
            $blocks = @(ConvertTo-Block $ex.Lines)
            $code = $blocks | Where-Object Kind -EQ 'code' | Select-Object -First 1
            if (-not $code) { $p.Add("example '$($ex.Title)' has no code block") }
            [pscustomobject]@{
                Title   = ConvertFrom-Inline $ex.Title
                Code    = if ($code) { $code.Lines -join "`n" } else { '' }
                Remarks = @(ConvertTo-Paragraph ($blocks | Where-Object { $_ -ne $code }))
            }
        })
    if ($page.Examples.Count -lt 2) { $p.Add("has $($page.Examples.Count) example(s), at least 2 are required") }
    foreach ($par in & $sub 'PARAMETERS') {
        if ($par.Title -notmatch '^-(\w+)$') { $p.Add("parameter heading '### $($par.Title)' is not '### -Name'"); continue }
        if ($page.Parameters.Contains($Matches[1])) { $p.Add("parameter -$($Matches[1]) is documented twice") }
        $page.Parameters[$Matches[1]] = @(ConvertTo-Paragraph (ConvertTo-Block $par.Lines))
    }
    $page.Inputs = @(foreach ($t in & $sub 'INPUTS') { @{ Type = $t.Title; Paras = @(ConvertTo-Paragraph (ConvertTo-Block $t.Lines)) } })
    $page.Outputs = @(foreach ($t in & $sub 'OUTPUTS') { @{ Type = $t.Title; Paras = @(ConvertTo-Paragraph (ConvertTo-Block $t.Lines)) } })
    if ($md.Sections.Contains('RELATED LINKS')) {
        $page.Links = @(foreach ($b in ConvertTo-Block $md.Sections['RELATED LINKS']) {
                if ($b.Kind -notin 'item', 'para') { continue }
                if ($b.Text -match '^\s*\[(.+?)\]\((\S*?)\)\s*$') {
                    $text, $uri = $Matches[1], $Matches[2]
                    @{ Text = ConvertFrom-Inline $text; Uri = if ($uri -match '^https?://') { $uri } else { '' } }
                } else { @{ Text = ConvertFrom-Inline $b.Text; Uri = '' } }
            })
    }
    [pscustomobject]$page
}

#endregion
#region Validation

function Get-HelpModel([string]$DocsPath, [string]$ModuleManifest) {
    # Reads metadata and pages and checks them against each other. -> @{ Cmdlets; Pages; Abouts; Problems }
    $problems = [Collections.Generic.List[string]]::new()
    $cmdlets = Get-CmdletMetadata $ModuleManifest
    $moduleName = [IO.Path]::GetFileNameWithoutExtension($ModuleManifest)
    # Help pages are Verb-Noun.md and about_*.md; other pages (README.md, security.md) are plain documents.
    $files = @(Get-ChildItem -LiteralPath $DocsPath -Filter *.md -File -ErrorAction Stop | Where-Object { $_.BaseName -like '*-*' -or $_.BaseName -like 'about_*' })
    $pages = @{}    # case-insensitive, like command names
    foreach ($f in $files | Where-Object Name -NotLike 'about_*') { $pages[$f.BaseName] = Read-CmdletPage $f.FullName }

    foreach ($c in $cmdlets) {
        $page = $pages[$c.Name]
        if (-not $page) { $problems.Add("$($c.Name): no page $($c.Name).md"); continue }
        if ($page.Title -and $page.Title -cne $c.Name) { $page.Problems.Add("title '# $($page.Title)' should be '# $($c.Name)'") }
        $actual = @($c.ParameterSets | ForEach-Object { $_.Parameters } | ForEach-Object Name | Select-Object -Unique)
        foreach ($name in $actual) {
            if ($name -in 'WhatIf', 'Confirm') { continue }
            if (-not $page.Parameters.Contains($name)) { $page.Problems.Add("parameter -$name is not documented") }
            elseif (-not ($page.Parameters[$name] -join '').Trim()) { $page.Problems.Add("parameter -$name has an empty description") }
        }
        foreach ($name in $page.Parameters.Keys) {
            if ($name -notin $actual) { $page.Problems.Add("documents parameter -$name, which $($c.Name) does not have") }
        }
    }
    foreach ($name in $pages.Keys | Sort-Object) {
        if ($name -notin @($cmdlets | ForEach-Object Name)) { $problems.Add("$name.md: no exported cmdlet '$name'"); continue }
        foreach ($msg in $pages[$name].Problems) { $problems.Add("$name.md: $msg") }
    }

    $abouts = @{}
    foreach ($f in $files | Where-Object Name -Like 'about_*') {
        $md = Read-MarkdownFile $f.FullName
        if ($md.Title -and $md.Title -cne $f.BaseName) { $md.Problems.Add("title '# $($md.Title)' should be '# $($f.BaseName)'") }
        foreach ($s in 'SHORT DESCRIPTION', 'LONG DESCRIPTION') {
            if (-not ($md.Sections.Contains($s) -and ($md.Sections[$s] -join '').Trim())) { $md.Problems.Add("'## $s' is missing or empty") }
        }
        foreach ($msg in $md.Problems) { $problems.Add("$($f.Name): $msg") }
        $abouts[$f.BaseName] = $md
    }
    if (-not $abouts.Contains("about_$moduleName")) { $problems.Add("no about page about_$moduleName.md") }
    @{ Cmdlets = $cmdlets; Pages = $pages; Abouts = $abouts; Problems = $problems }
}

#endregion
#region Writers

function Write-Para($w, [string[]]$Paras, [string]$Element = 'description', [string]$Prefix = 'maml', [switch]$BlankAfter) {
    # <maml:description><maml:para>..</maml:para>..</maml:description>; always at least one para.
    # An empty para prints as a blank line (used to separate examples, which Get-Help does not).
    $list = @($Paras | Where-Object { $_ })
    if (-not $list -or $BlankAfter) { $list += '' }
    $w.WriteStartElement($Prefix, $Element, $script:Ns[$Prefix])
    foreach ($para in $list) { $w.WriteElementString('maml', 'para', $script:Ns.maml, $para) }
    $w.WriteEndElement()
}

function Join-Varying($PerSet) {
    # One value when all parameter sets agree, else "0 (SetA), named (SetB)": Get-Help shows
    # the position attribute as it is. (Not for 'required': Get-Help parses that as a bool.)
    $groups = @($PerSet | Group-Object Value)
    if ($groups.Count -eq 1) { return [string]$groups[0].Name }
    ($groups | ForEach-Object { "$($_.Name) ($(($_.Group.Set) -join ', '))" }) -join ', '
}

function Write-Parameter($w, $Name, $PerSet, [string[]]$Paras, [switch]$Syntax) {
    # $PerSet: this parameter's metadata in each set it belongs to (one entry inside a syntax item).
    $first = $PerSet[0].Param
    $byValue = @($PerSet | Where-Object { $_.Param.ByValue }).Count -gt 0
    $byName = @($PerSet | Where-Object { $_.Param.ByPropertyName }).Count -gt 0
    $how = @(if ($byValue) { 'ByValue' }) + @(if ($byName) { 'ByPropertyName' })
    $pipeline = if ($how) { "True ($($how -join ', '))" } else { 'False' }
    $w.WriteStartElement('command', 'parameter', $script:Ns.command)
    # Mandatory in only some sets counts as not required; each syntax item shows the details.
    $required = @($PerSet | Where-Object { -not $_.Param.Mandatory }).Count -eq 0
    $w.WriteAttributeString('required', "$required".ToLower())
    $w.WriteAttributeString('variableLength', "$($first.FullType.EndsWith('[]'))".ToLower())
    $w.WriteAttributeString('globbing', "$($first.Globbing)".ToLower())
    $w.WriteAttributeString('pipelineInput', $pipeline)
    $w.WriteAttributeString('position', (Join-Varying ($PerSet | ForEach-Object { @{ Set = $_.Set; Value = if ($null -ne $_.Param.Position) { $_.Param.Position } else { 'named' } } })))
    $w.WriteAttributeString('aliases', $(if ($first.Aliases) { $first.Aliases -join ', ' } else { 'none' }))
    $w.WriteElementString('maml', 'name', $script:Ns.maml, $Name)
    if (-not $Syntax) { Write-Para $w $Paras }
    if (-not ($Syntax -and $first.IsSwitch)) {  # a switch shows as [-Name] in syntax, without <value>
        $w.WriteStartElement('command', 'parameterValue', $script:Ns.command)
        $w.WriteAttributeString('required', "$(-not $first.IsSwitch)".ToLower())
        $w.WriteAttributeString('variableLength', 'false')
        $w.WriteString($first.Type); $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $script:Ns.dev)
    $w.WriteElementString('maml', 'name', $script:Ns.maml, $first.FullType); $w.WriteEndElement()
    $w.WriteEndElement()
}

function Write-TypeList($w, [string]$List, [string]$Item, $Types) {
    $w.WriteStartElement('command', $List, $script:Ns.command)
    foreach ($t in $Types) {
        $w.WriteStartElement('command', $Item, $script:Ns.command)
        $w.WriteStartElement('dev', 'type', $script:Ns.dev)
        $w.WriteElementString('maml', 'name', $script:Ns.maml, $t.Type); $w.WriteEndElement()
        Write-Para $w $t.Paras
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
}

function Write-Command($w, $Cmdlet, $Page) {
    $cmdNs = $script:Ns.command
    $w.WriteStartElement('command', 'command', $cmdNs)
    $w.WriteStartElement('command', 'details', $cmdNs)
    $w.WriteElementString('command', 'name', $cmdNs, $Cmdlet.Name)
    $w.WriteElementString('command', 'verb', $cmdNs, $Cmdlet.Verb)
    $w.WriteElementString('command', 'noun', $cmdNs, $Cmdlet.Noun)
    Write-Para $w $Page.Synopsis
    $w.WriteEndElement()
    Write-Para $w $Page.Description

    # Syntax: one item per parameter set; positional first, then mandatory, then the rest.
    $w.WriteStartElement('command', 'syntax', $cmdNs)
    foreach ($set in $Cmdlet.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $cmdNs)
        $w.WriteElementString('maml', 'name', $script:Ns.maml, $Cmdlet.Name)
        $ordered = @($set.Parameters) | Sort-Object { $_.Name -in 'WhatIf', 'Confirm' }, { if ($null -ne $_.Position) { $_.Position } else { [int]::MaxValue } }, { -not $_.Mandatory } -Stable
        foreach ($prm in $ordered) { Write-Parameter $w $prm.Name @(@{ Set = $set.Name; Param = $prm }) -Syntax }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    # Parameters: in page order, then WhatIf/Confirm with standard text if the page skips them.
    $w.WriteStartElement('command', 'parameters', $cmdNs)
    $names = @($Page.Parameters.Keys) + @(@('WhatIf', 'Confirm') | Where-Object { $_ -notin $Page.Parameters.Keys })
    foreach ($name in $names) {
        $perSet = @(foreach ($set in $Cmdlet.ParameterSets) {
                foreach ($prm in $set.Parameters | Where-Object Name -EQ $name) { @{ Set = $set.Name; Param = $prm } }
            })
        if (-not $perSet) { continue }  # WhatIf/Confirm on a cmdlet without ShouldProcess
        $paras = if ($Page.Parameters.Contains($name)) { $Page.Parameters[$name] } else { $script:StandardText[$name] }
        Write-Parameter $w $name $perSet $paras
    }
    $w.WriteEndElement()

    $inputs = $Page.Inputs
    if (-not $inputs) {
        $inputs = @($Cmdlet.ParameterSets | ForEach-Object { $_.Parameters } | Where-Object ByValue | ForEach-Object FullType | Select-Object -Unique |
                ForEach-Object { @{ Type = $_; Paras = @() } })
        if (-not $inputs) { $inputs = @(@{ Type = 'None'; Paras = @() }) }
    }
    $outputs = $Page.Outputs
    if (-not $outputs) {
        $outputs = @($Cmdlet.OutputType | ForEach-Object { @{ Type = $_; Paras = @() } })
        if (-not $outputs) { $outputs = @(@{ Type = 'None'; Paras = @() }) }
    }
    Write-TypeList $w 'inputTypes' 'inputType' $inputs
    Write-TypeList $w 'returnValues' 'returnValue' $outputs

    if ($Page.Notes) {
        $w.WriteStartElement('maml', 'alertSet', $script:Ns.maml)
        Write-Para $w $Page.Notes 'alert'
        $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'examples', $cmdNs)
    foreach ($ex in $Page.Examples) {
        $w.WriteStartElement('command', 'example', $cmdNs)
        # Get-Help prints the title as is; the dashes are what built-in help looks like.
        $w.WriteElementString('maml', 'title', $script:Ns.maml, "---------- $($ex.Title) ----------")
        $w.WriteElementString('dev', 'code', $script:Ns.dev, $ex.Code)
        Write-Para $w $ex.Remarks 'remarks' 'dev' -BlankAfter
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $cmdNs)
    foreach ($link in $Page.Links) {
        $w.WriteStartElement('maml', 'navigationLink', $script:Ns.maml)
        $w.WriteElementString('maml', 'linkText', $script:Ns.maml, $link.Text)
        $w.WriteElementString('maml', 'uri', $script:Ns.maml, $link.Uri)
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}

function Format-Wrapped([string]$Text, [int]$Indent, [int]$HangIndent = $Indent, [int]$Width = 80) {
    # Word-wraps one paragraph; continuation lines get $HangIndent spaces.
    $lines = [Collections.Generic.List[string]]::new(); $line = ' ' * $Indent; $empty = $true
    foreach ($word in $Text -split '\s+' | Where-Object { $_ }) {
        if (-not $empty -and $line.Length + 1 + $word.Length -gt $Width) { $lines.Add($line); $line = ' ' * $HangIndent; $empty = $true }
        $line += $(if ($empty) { $word } else { " $word" }); $empty = $false
    }
    $lines.Add($line); $lines -join "`n"
}

function ConvertTo-AboutText($Md) {
    # Classic about_ layout: CAPS headings at column 0, text indented 4, code indented 8.
    $text = [Text.StringBuilder]::new("TOPIC`n    $($Md.Title)`n")
    foreach ($name in $Md.Sections.Keys) {
        $null = $text.Append("`n$name`n")   # already upper case
        $previous = 'heading'
        foreach ($b in ConvertTo-Block $Md.Sections[$name]) {
            # Blank line between blocks, but not after a heading or between list items.
            if ($previous -ne 'heading' -and -not ($previous -eq 'item' -and $b.Kind -eq 'item')) { $null = $text.Append("`n") }
            $previous = $b.Kind
            $null = $text.AppendLine($(switch ($b.Kind) {
                        'heading' { '  ' + (ConvertFrom-Inline $b.Text).ToUpperInvariant() }
                        'item' { Format-Wrapped "$($b.Marker) $(ConvertFrom-Inline $b.Text)" 4 (5 + $b.Marker.Length) }
                        'code' { ($b.Lines | ForEach-Object { ("        $_").TrimEnd() }) -join "`n" }
                        'pre' { ($b.Lines | ForEach-Object { "    $_" }) -join "`n" }
                        default { Format-Wrapped (ConvertFrom-Inline $b.Text) 4 }
                    }))
        }
    }
    $text.ToString() -replace "`r"
}

#endregion
#region Public

function Test-MarkdownHelp {
    <#
    .SYNOPSIS
    Checks the markdown help pages against the built module; returns the problems found (none = OK).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)][string]$DocsPath,
        [Parameter(Mandatory)][string]$ModuleManifest
    )
    (Get-HelpModel $DocsPath $ModuleManifest).Problems
}

function Build-MamlHelp {
    <#
    .SYNOPSIS
    Validates docs/*.md against the built module and writes the MAML and about_*.help.txt files.
    .DESCRIPTION
    Fails with one error listing every problem if the pages are incomplete (see the top of this file).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string]$DocsPath,
        [Parameter(Mandatory)][string]$ModuleManifest,   # the BUILT .psd1 (its dlls are loaded in a child process)
        [Parameter(Mandatory)][string]$OutputPath        # the module's culture folder, e.g. out/MailProtocols/en-US
    )
    $model = Get-HelpModel $DocsPath $ModuleManifest
    if ($model.Problems.Count) {
        throw "Markdown help has $($model.Problems.Count) problem(s):`n  - " + ($model.Problems -join "`n  - ")
    }
    $null = New-Item -ItemType Directory -Path $OutputPath -Force
    $OutputPath = (Resolve-Path -LiteralPath $OutputPath).Path
    $utf8 = [Text.UTF8Encoding]::new($false)

    # Get-Help looks for <assembly file name>-Help.xml (CmdletInfo.HelpFile) next to the dll.
    foreach ($group in $model.Cmdlets | Group-Object HelpFile) {
        $settings = [Xml.XmlWriterSettings]@{ Indent = $true; Encoding = $utf8; NewLineChars = "`n" }
        $file = Join-Path $OutputPath $group.Name
        $w = [Xml.XmlWriter]::Create($file, $settings)
        try {
            $w.WriteStartDocument()
            $w.WriteStartElement('helpItems', 'http://msh')
            $w.WriteAttributeString('schema', 'maml')
            foreach ($prefix in 'maml', 'command', 'dev') { $w.WriteAttributeString('xmlns', $prefix, $null, $script:Ns[$prefix]) }
            foreach ($c in $group.Group | Sort-Object Name) { Write-Command $w $c $model.Pages[$c.Name] }
            $w.WriteEndElement(); $w.WriteEndDocument()
        } finally { $w.Dispose() }
        Write-Verbose "Wrote $file"
    }
    foreach ($about in $model.Abouts.Values) {
        $file = Join-Path $OutputPath "$($about.Title).help.txt"
        [IO.File]::WriteAllText($file, (ConvertTo-AboutText $about), $utf8)
        Write-Verbose "Wrote $file"
    }
}

#endregion
Export-ModuleMember -Function Build-MamlHelp, Test-MarkdownHelp
