using System.Management.Automation;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Maildir;

namespace MailProtocols.Commands
{
    /// <summary>
    /// Changes the flags of message files in a Maildir folder (read with Import-MailMessage) by renaming them the
    /// Maildir way; the next Sync-ImapFolder -Direction Push or Both sends the change to the server.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "MailFileFlag", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(MailFileMessage))]
    public sealed class SetMailFileFlagCommand : MailCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Path", "FullName", "PSPath")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        [Parameter]
        public ImapMessageFlags Add { get; set; }

        [Parameter]
        public ImapMessageFlags Remove { get; set; }

        [Parameter]
        public ImapMessageFlags Replace { get; set; }

        [Parameter]
        public SwitchParameter Forwarded { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        protected override void BeginProcessing()
        {
            if (Bound(nameof(Replace)) && (Bound(nameof(Add)) || Bound(nameof(Remove))))
            {
                ThrowMailError(MailErrorKind.InvalidArgument, MailErrorReason.ConflictingParameters,
                    "-Replace sets the complete list of flags; it cannot be combined with -Add or -Remove.", null);
            }

            if (!Bound(nameof(Add)) && !Bound(nameof(Remove)) && !Bound(nameof(Replace)) && !Bound(nameof(Forwarded)))
            {
                ThrowMailError(MailErrorKind.InvalidArgument, MailErrorReason.NothingToChange,
                    "Say what to change: -Add, -Remove or -Replace with Seen, Answered, Flagged, Deleted or Draft, and/or -Forwarded or -Forwarded:$false.", null);
            }
        }

        protected override void ProcessRecord()
        {
            bool? forwarded = Bound(nameof(Forwarded)) ? Forwarded.IsPresent : (bool?)null;
            ImapMessageFlags? replace = Bound(nameof(Replace)) ? Replace : (ImapMessageFlags?)null;
            foreach (string item in LiteralPath)
            {
                string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(item);
                RunOperation(path, channel => MaildirFlagChange.Apply(path, Add, Remove, replace, forwarded, PassThru, channel));
            }
        }
    }
}
