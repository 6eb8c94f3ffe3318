using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Imap;

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

        /// <summary>Which namespaces to list: the user's own folders (default), other users' shared folders, public folders, or all.</summary>
        [Parameter]
        [ValidateSet("Personal", "OtherUsers", "Shared", "All")]
        public string Namespace { get; set; } = "Personal";

        /// <summary>Only the folder that plays this role (SPECIAL-USE attribute, else a well-known name).</summary>
        [Parameter]
        [ValidateSet("Inbox", "Sent", "Drafts", "Trash", "Junk", "Archive", "All", "Flagged", "Important")]
        public ImapSpecialUse SpecialUse { get; set; }

        protected override void ProcessRecord()
        {
            ImapSession session = ResolveSession();
            ImapNamespaceKind[] namespaces = Namespace == "All"
                ? new[] { ImapNamespaceKind.Personal, ImapNamespaceKind.OtherUsers, ImapNamespaceKind.Shared }
                : new[] { (ImapNamespaceKind)System.Enum.Parse(typeof(ImapNamespaceKind), Namespace, true) };
            WildcardPattern[] patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
            IReadOnlyList<ImapFolderInfo> folders = null;
            bool listed = TryInvoke(session, () => folders = ImapFolderOperations.List(
                session, patterns == null ? null : (System.Func<string, bool>)(n => patterns.Any(p => p.IsMatch(n))), Subscribed, namespaces, CancellationToken));
            if (!listed)
            {
                return;
            }

            if (MyInvocation.BoundParameters.ContainsKey(nameof(SpecialUse)))
            {
                folders = ImapSpecialFolders.Pick(folders, SpecialUse);
                if (folders.Count == 0)
                {
                    WriteMailError(MailErrorKind.NotFound, MailErrorReason.SpecialUseNotFound,
                        $"No folder on {session.Endpoint} is marked or named as the {SpecialUse} folder. List the folders with Get-ImapFolder, or create one with New-ImapFolder -SpecialUse {SpecialUse}.",
                        SpecialUse);
                    return;
                }
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
