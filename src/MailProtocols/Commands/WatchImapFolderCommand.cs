using System;
using System.Management.Automation;
using MailProtocols.Core.Imap;

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

            // The watcher yields messages, changes and notices on this thread only when no IDLE is running, so a
            // downstream stop (Select-Object -First) thrown out of WriteObject leaves the session selected and
            // usable. While it waits it yields waiting events, which only become the progress status.
            var status = new WatchStatus(this, Folder, IncludeChanges);
            try
            {
                TryInvoke($"folder '{Folder}'", () =>
                {
                    foreach (ImapWatchEvent item in watcher.Watch(CancellationToken))
                    {
                        if (item.IsWaiting)
                        {
                            status.Waiting(item.TimeLeft);
                            continue;
                        }

                        status.Complete();
                        if (item.Message != null)
                        {
                            // With -IncludeChanges new messages share the change table (MailProtocols.ImapWatch view).
                            WriteObject(IncludeChanges ? (object)ViewTag.Add(item.Message, "MailProtocols.ImapMessage#Watch") : item.Message);
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
            finally
            {
                status.Complete();
            }
        }

        /// <summary>The progress record "waiting for new mail in INBOX, 4:32 left", gone (Completed) whenever something is output.</summary>
        private sealed class WatchStatus
        {
            private const int ActivityId = 4210;
            private readonly Cmdlet _cmdlet;
            private readonly string _what;
            private string _shown;

            public WatchStatus(Cmdlet cmdlet, string folder, bool includeChanges)
            {
                _cmdlet = cmdlet;
                _what = $"waiting for new mail{(includeChanges ? " and changes" : string.Empty)} in {folder}";
            }

            public void Waiting(TimeSpan? left)
            {
                string text = left.HasValue ? $"{_what}, {Clock(left.Value)} left" : $"{_what} (no time limit; Ctrl+C ends the watch)";
                if (text == _shown)
                {
                    return;
                }

                var record = new ProgressRecord(ActivityId, "Watch-ImapFolder", text);
                if (left.HasValue)
                {
                    record.SecondsRemaining = (int)Math.Max(0, Math.Ceiling(left.Value.TotalSeconds));
                }

                _cmdlet.WriteProgress(record);
                _shown = text;
            }

            public void Complete()
            {
                if (_shown == null)
                {
                    return;
                }

                _cmdlet.WriteProgress(new ProgressRecord(ActivityId, "Watch-ImapFolder", _shown) { RecordType = ProgressRecordType.Completed });
                _shown = null;
            }

            private static string Clock(TimeSpan left)
            {
                int seconds = (int)Math.Max(0, Math.Ceiling(left.TotalSeconds));
                return seconds >= 3600
                    ? $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}"
                    : $"{seconds / 60}:{seconds % 60:00}";
            }
        }
    }
}
