using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Add, "ImapMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet)]
    [OutputType(typeof(ImapMessage))]
    public sealed class AddImapMessageCommand : MailCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const string MessageSet = "Message";

        /// <summary>Messages per APPEND command; with MULTIAPPEND one command carries them all.</summary>
        private const int BatchCount = 100;

        /// <summary>Bytes per APPEND command, so a batch of big files is not all held in memory at once.</summary>
        private const long BatchBytes = 25L * 1024 * 1024;

        private readonly List<PendingItem> _pending = new List<PendingItem>();
        private bool _warnedNoUids;

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Folder { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [ValidateNotNullOrEmpty]
        [Alias("PSPath", "FullName")]
        public string[] LiteralPath { get; set; }

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = MessageSet)]
        [ValidateNotNull]
        public MailMessageBase[] InputObject { get; set; }

        [Parameter]
        public ImapMessageFlags Flag { get; set; }

        [Parameter]
        [ValidateNotNull]
        public string[] Keyword { get; set; }

        [Parameter]
        public DateTimeOffset Date { get; set; }

        /// <summary>
        /// The session to append through. Not bound from the pipeline: piped messages may come from another
        /// account or protocol, and this is where they go, not where they came from.
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public ImapSession Session { get; set; }

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case MessageSet:
                    foreach (MailMessageBase message in InputObject)
                    {
                        _pending.Add(new PendingItem { Message = message, Source = message, Length = SizeOf(message) });
                    }

                    break;
                case LiteralPathSet:
                    foreach (string path in LiteralPath)
                    {
                        AddFile(GetUnresolvedProviderPathFromPSPath(path), path);
                    }

                    break;
                default:
                    foreach (string path in Path)
                    {
                        Collection(path).ForEach(p => AddFile(p, path));
                    }

                    break;
            }
        }

        protected override void EndProcessing()
        {
            ImapSession session = Session ?? SessionRegistry.Current.GetDefault<ImapSession>(MailProtocol.Imap);
            if (session == null)
            {
                ThrowMailError(MailErrorKind.InvalidOperation, "NoSession", "No IMAP session is open. Run Connect-Imap first, or pass -Session.", null);
            }

            ReportReconnects(session);

            // One batch at a time: confirm, download the piped IMAP summaries of this batch, append it. So at most
            // one batch of messages is in memory, and the first APPEND does not wait for every download.
            foreach (List<PendingItem> chunk in Batches(_pending))
            {
                List<PendingItem> approved = chunk.Where(p => ShouldProcess($"folder '{Folder}' on {session.Server}", $"Append {p.Describe()}")).ToList();
                DownloadImapSources(approved);
                Append(session, approved.Select(Prepare).Where(item => item != null).ToList());
            }
        }

        /// <summary>Up to <see cref="BatchCount"/> messages and about <see cref="BatchBytes"/> per batch, files and piped messages alike.</summary>
        private static IEnumerable<List<PendingItem>> Batches(IEnumerable<PendingItem> items)
        {
            var batch = new List<PendingItem>();
            long bytes = 0;
            foreach (PendingItem item in items)
            {
                batch.Add(item);
                bytes += item.Length;
                if (batch.Count >= BatchCount || bytes >= BatchBytes)
                {
                    yield return batch;
                    batch = new List<PendingItem>();
                    bytes = 0;
                }
            }

            if (batch.Count > 0)
            {
                yield return batch;
            }
        }

        private void Append(ImapSession session, List<ImapAppendItem> batch)
        {
            if (batch.Count == 0)
            {
                return;
            }

            IList<ImapMessage> added = null;
            if (!TryInvoke(Folder, () => added = ImapMessageChanges.Append(session, Folder, batch.ToList(), CancellationToken)))
            {
                return;
            }

            if (added.Any(m => m.Uid == 0) && !_warnedNoUids)
            {
                _warnedNoUids = true;
                WriteWarning($"{session.Endpoint} does not report the UIDs of appended messages (no UIDPLUS); their Uid is 0. Search '{Folder}' to find them.");
            }

            WriteObject(added, enumerateCollection: true);
        }

        /// <summary>Turns one input into what APPEND needs; a failure is an error for that input only.</summary>
        private ImapAppendItem Prepare(PendingItem pending)
        {
            ImapAppendItem item;
            if (pending.FilePath != null)
            {
                try
                {
                    item = ImapAppendItem.FromFile(pending.FilePath, CancellationToken);
                }
                catch (MailProtocolException ex)
                {
                    WriteMailError(ex, pending.FilePath);
                    return null;
                }
            }
            else
            {
                item = ImapAppendItem.FromMessage(pending.Message);
            }

            if (item == null)
            {
                WriteMailError(MailErrorKind.InvalidArgument, "NoContent",
                    $"{pending.Describe()} has no content to append. Pipe messages from Get-ImapMessage -Full, Get-Pop3Message or Import-MailMessage, or ImapMessage summaries.", pending.Source);
                return null;
            }

            var imap = pending.Message as ImapMessage;
            item.Flags = MyInvocation.BoundParameters.ContainsKey(nameof(Flag)) ? Flag : imap?.Flags ?? ImapMessageFlags.None;
            item.Keywords = Keyword ?? imap?.Keywords ?? new string[0];
            item.InternalDate = MyInvocation.BoundParameters.ContainsKey(nameof(Date)) ? Date : imap?.InternalDate;
            item.Source = pending.Source;
            return item;
        }

        /// <summary>The size a piped message will have on the wire, so batches of big messages stay bounded too.</summary>
        private static long SizeOf(MailMessageBase message)
        {
            switch (message)
            {
                case ImapMessage imap: return imap.Size ?? 0;
                case Pop3Message pop3: return pop3.Size;
                case MailFileMessage file: return file.Size;
                default: return 0;
            }
        }

        /// <summary>IMAP summaries have no content yet: download those of this batch, per folder, and use the parsed messages.</summary>
        private void DownloadImapSources(List<PendingItem> batch)
        {
            var summaries = new ImapMessageSetCollection();
            foreach (PendingItem pending in batch.Where(p => p.Message is ImapMessage m && m.MimeData == null && m.Session != null))
            {
                summaries.Add((ImapMessage)pending.Message);
            }

            foreach (ImapMessageSet set in summaries.Sets)
            {
                ReportReconnects(set.Session);
                TryInvoke(set.Folder, () =>
                {
                    var downloaded = new Dictionary<uint, ImapMessage>();
                    foreach (ImapFetchBatch batch in ImapMessageReader.FetchFull(set.Session, set.Folder, set.UidValidity, set.Uids, set.Messages, false, CancellationToken))
                    {
                        batch.Messages.ToList().ForEach(m => downloaded[m.Uid] = m);
                    }

                    foreach (PendingItem pending in batch)
                    {
                        if (pending.Message is ImapMessage m && m.Session == set.Session && m.Folder == set.Folder && m.UidValidity == set.UidValidity &&
                            downloaded.TryGetValue(m.Uid, out ImapMessage full))
                        {
                            pending.Message = full;
                        }
                    }
                });
            }
        }

        private void AddFile(string path, object source)
        {
            if (!File.Exists(path))
            {
                WriteMailError(MailErrorKind.NotFound, "FileNotFound", $"The file '{path}' does not exist.", source);
                return;
            }

            _pending.Add(new PendingItem { FilePath = path, Source = path, Length = new FileInfo(path).Length });
        }

        private List<string> Collection(string path)
        {
            try
            {
                return GetResolvedProviderPathFromPSPath(path, out ProviderInfo _).ToList();
            }
            catch (ItemNotFoundException)
            {
                WriteMailError(MailErrorKind.NotFound, "FileNotFound", $"No file matches '{path}'.", path);
                return new List<string>();
            }
        }

        private sealed class PendingItem
        {
            public string FilePath { get; set; }

            public MailMessageBase Message { get; set; }

            public object Source { get; set; }

            public long Length { get; set; }

            public string Describe() => FilePath != null
                ? $"the message in '{FilePath}'"
                : Message is ImapMessage imap ? $"{imap} ('{imap.Subject}')" : $"the message '{Message?.Subject}'";
        }
    }
}
