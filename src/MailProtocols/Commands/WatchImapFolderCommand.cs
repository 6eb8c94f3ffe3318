using System;
using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Watch, "ImapFolder")]
    [OutputType(typeof(ImapMessage), typeof(ImapMessageChange))]
    public sealed class WatchImapFolderCommand : ImapSessionCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Folder { get; set; } = "INBOX";

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int TimeoutSec { get; set; }

        [Parameter]
        public SwitchParameter IncludeChanges { get; set; }

        [Parameter]
        [ValidateRange(1, 3600)]
        public int PollIntervalSec { get; set; } = 30;

        protected override void ProcessRecord()
        {
            ImapSession session = ResolveSession();
            TimeSpan? timeout = MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : (TimeSpan?)null;
            var watcher = new ImapFolderWatcher(session, Folder, IncludeChanges, timeout, TimeSpan.FromSeconds(PollIntervalSec));

            // The watcher yields on this thread only when no IDLE is running, so a downstream stop
            // (Select-Object -First) thrown out of WriteObject leaves the session selected and usable.
            TryInvoke($"folder '{Folder}'", () =>
            {
                foreach (ImapWatchEvent item in watcher.Watch(CancellationToken))
                {
                    if (item.Message != null)
                    {
                        WriteObject(item.Message);
                    }
                    else if (item.Change != null)
                    {
                        WriteObject(item.Change);
                    }
                    else if (item.Warning != null)
                    {
                        WriteWarning(item.Warning);
                    }
                    else
                    {
                        WriteVerbose(item.Verbose);
                    }
                }
            });
        }
    }
}
