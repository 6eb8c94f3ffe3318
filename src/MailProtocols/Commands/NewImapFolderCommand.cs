using System.Management.Automation;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.New, "ImapFolder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ImapFolderInfo))]
    public sealed class NewImapFolderCommand : ImapSessionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string[] Name { get; set; }

        /// <summary>Marks the new folder with a special use (CREATE-SPECIAL-USE).</summary>
        [Parameter]
        [ValidateSet("Sent", "Drafts", "Trash", "Junk", "Archive", "All", "Flagged", "Important")]
        public ImapSpecialUse SpecialUse { get; set; }

        protected override void ProcessRecord()
        {
            ImapSession session = ResolveSession();
            foreach (string name in Name)
            {
                string what = SpecialUse == ImapSpecialUse.None ? "Create" : $"Create as the {SpecialUse} folder";
                if (!ShouldProcess($"folder '{name}' on {session.Server}", what))
                {
                    continue;
                }

                ImapFolderInfo created = null;
                if (TryInvoke(name, () => created = ImapFolderOperations.Create(session, name, SpecialUse, CancellationToken)))
                {
                    WriteObject(created);
                }
            }
        }
    }
}
