using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Get, "ImapFolder")]
    [OutputType(typeof(ImapFolderInfo))]
    public sealed class GetImapFolderCommand : ImapSessionCmdlet
    {
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string[] Name { get; set; }

        [Parameter]
        public SwitchParameter Subscribed { get; set; }

        protected override void ProcessRecord()
        {
            ImapSession session = ResolveSession();
            WildcardPattern[] patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
            IReadOnlyList<ImapFolderInfo> folders = null;
            bool listed = TryInvoke(session, () => folders = ImapFolderOperations.List(
                session, patterns == null ? null : (System.Func<string, bool>)(n => patterns.Any(p => p.IsMatch(n))), Subscribed, CancellationToken));
            if (!listed)
            {
                return;
            }

            WriteObject(folders, enumerateCollection: true);

            // A literal name that matched nothing is an error, as with Get-Item; a wildcard may match nothing.
            // An escaped wildcard ('star`*' for the folder 'star*') is a literal name as well.
            foreach (string literal in (Name ?? new string[0]).Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
            {
                var pattern = new WildcardPattern(literal, WildcardOptions.IgnoreCase);
                if (!folders.Any(f => pattern.IsMatch(f.FullName)))
                {
                    string name = WildcardPattern.Unescape(literal);
                    WriteMailError(ImapErrors.FolderNotFound(session, name), name);
                }
            }
        }
    }
}
