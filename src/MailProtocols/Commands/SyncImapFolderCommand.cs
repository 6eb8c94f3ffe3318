using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Imap;
using MailProtocols.Core.Maildir;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsData.Sync, "ImapFolder", SupportsShouldProcess = true)]
    [OutputType(typeof(ImapSyncResult), typeof(ImapSyncPlanItem))]
    public sealed class SyncImapFolderCommand : ImapSessionCmdlet
    {
        private readonly HashSet<string> _done = new HashSet<string>(StringComparer.Ordinal);
        private DestinationLock _lock;
        private string _root;

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string[] Folder { get; set; } = { "INBOX" };

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; }

        [Parameter]
        public SwitchParameter Recurse { get; set; }

        [Parameter]
        public SwitchParameter KeepDeleted { get; set; }

        [Parameter]
        public ImapSyncDirection Direction { get; set; } = ImapSyncDirection.Pull;

        [Parameter]
        public SwitchParameter Expunge { get; set; }

        [Parameter]
        public SwitchParameter CreateFolders { get; set; }

        [Parameter]
        public SwitchParameter NoFlush { get; set; }

        protected override void BeginProcessing()
        {
            _root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
        }

        protected override void ProcessRecord()
        {
            ImapSession session = ResolveSession();
            var sync = new ImapMaildirSync(session, _root, KeepDeleted, Channel) { Direction = Direction, Expunge = Expunge, PlanOnly = TwoWay && IsWhatIf(), FlushToDisk = !NoFlush };

            foreach (string name in Folder)
            {
                IReadOnlyList<ImapSyncTarget> targets = null;
                if (!TryInvoke($"folder '{name}'", () => targets = ImapMaildirSync.ResolveTargets(session, name, Recurse, CancellationToken)))
                {
                    continue;
                }

                if (TwoWay && Recurse)
                {
                    // Local folders the server lacks: created with -CreateFolders, otherwise reported.
                    TryInvoke($"folder '{name}'", () => targets = sync.ReconcileFolders(targets, CreateFolders, CancellationToken));
                }

                foreach (ImapSyncTarget target in targets)
                {
                    SyncOne(session, sync, target);
                }
            }
        }

        protected override void EndProcessing()
        {
            CompleteProgress();
            ReleaseLock();
        }

        // Releases the lock even when the pipeline stops or fails before EndProcessing.
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                ReleaseLock();
            }

            base.Dispose(disposing);
        }

        private void SyncOne(ImapSession session, ImapMaildirSync sync, ImapSyncTarget target)
        {
            string key = session.Id + "\n" + target.FullName;
            if (!target.Selectable)
            {
                WriteVerbose($"'{target.FullName}' only groups other folders and holds no messages; skipped.");
                return;
            }

            if (!_done.Add(key))
            {
                return;
            }

            string directory = null;
            if (!TryInvoke($"folder '{target.FullName}'", () => directory = sync.DirectoryFor(target)))
            {
                return;
            }

            if (TwoWay && IsWhatIf())
            {
                // -WhatIf on a two-way sync: the plan as objects; the core reads both sides and changes neither.
                TryInvoke($"folder '{target.FullName}'", () => sync.Sync(target, CancellationToken));
                return;
            }

            string action = TwoWay
                ? "Sync both ways (changes go to the server as each is confirmed; new messages, flags and expunges come to the copy)"
                : "Sync (download new messages, update flags, remove local copies of expunged messages)";
            if (!ShouldProcess($"folder '{target.FullName}' into '{directory}'", action))
            {
                return;
            }

            AcquireLock();
            TryInvoke($"folder '{target.FullName}'", () =>
            {
                ImapSyncResult result = sync.Sync(target, CancellationToken);
                WriteObject(result);
            });
        }

        private bool TwoWay => Direction != ImapSyncDirection.Pull;

        private bool IsWhatIf()
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object bound))
            {
                return bound is SwitchParameter s ? s.IsPresent : bound is bool b && b;
            }

            object preference = GetVariableValue("WhatIfPreference");
            return preference is SwitchParameter p ? p.IsPresent : preference is bool on && on;
        }

        private void AcquireLock()
        {
            if (_lock != null)
            {
                return;
            }

            try
            {
                Directory.CreateDirectory(_root);
                _lock = DestinationLock.Acquire(_root, $"Sync-ImapFolder into '{_root}'");
            }
            catch (MailProtocolException ex)
            {
                ThrowMailError(ex, _root);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ThrowMailError(MailErrorKind.WriteError, MailErrorReason.FileWriteFailed, $"The destination '{_root}' could not be created: {ex.Message}", _root);
            }

            if (_lock.TakenOverFrom != null)
            {
                WriteWarning($"Took over a stale lock in '{_root}' left by {_lock.TakenOverFrom}, which is no longer running.");
            }
        }

        private void ReleaseLock()
        {
            _lock?.Dispose();
            _lock = null;
        }
    }
}
