using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Search, "ImapFolder")]
    [OutputType(typeof(ImapMessage))]
    public sealed class SearchImapFolderCommand : ImapSessionCmdlet
    {
        private ThrottledProgress _progress;

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Folder { get; set; } = "INBOX";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Subject { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string From { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string To { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Cc { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Body { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Text { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public Hashtable Header { get; set; }

        [Parameter]
        public DateTime Since { get; set; }

        [Parameter]
        public DateTime Before { get; set; }

        [Parameter]
        public DateTime SentSince { get; set; }

        [Parameter]
        public DateTime SentBefore { get; set; }

        [Parameter]
        public SwitchParameter Unread { get; set; }

        [Parameter]
        public SwitchParameter Seen { get; set; }

        [Parameter]
        public SwitchParameter Flagged { get; set; }

        [Parameter]
        public SwitchParameter Unflagged { get; set; }

        [Parameter]
        public SwitchParameter Answered { get; set; }

        [Parameter]
        public SwitchParameter Deleted { get; set; }

        [Parameter]
        public SwitchParameter Draft { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Keyword { get; set; }

        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int LargerThan { get; set; }

        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int SmallerThan { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public uint[] Uid { get; set; }

        [Parameter]
        public ImapSortField SortBy { get; set; }

        [Parameter]
        public SwitchParameter Descending { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int First { get; set; }

        protected override void BeginProcessing()
        {
            _progress = new ThrottledProgress(this, 4201, "Search-ImapFolder");
            try
            {
                // The criteria do not come from the pipeline: a bad one stops the command before anything is sent.
                BuildCriteria().Validate();
            }
            catch (MailProtocolException ex)
            {
                ThrowMailError(ex, null);
            }
        }

        protected override void ProcessRecord()
        {
            ImapSession session = ResolveSession();
            ImapSearchCriteria criteria = BuildCriteria();
            ImapSortField? sortBy = IsBound(nameof(SortBy)) ? SortBy : (ImapSortField?)null;
            int? first = IsBound(nameof(First)) ? First : (int?)null;
            string target = $"folder '{Folder}'";

            TryInvoke(target, () =>
            {
                if (!ImapFolderOperations.HoldsMessages(session, Folder, CancellationToken))
                {
                    // A container such as 'Projects' when only 'Projects/Web' holds mail: nothing to find, not an error.
                    WriteVerbose($"'{Folder}' only groups other folders and holds no messages; skipped.");
                    return;
                }

                ImapSearchResult found = ImapMessageReader.Search(session, Folder, criteria, sortBy, Descending, first, CancellationToken);
                WriteVerbose($"{found.Uids.Count} message(s) found in '{found.Folder}'" +
                    (sortBy.HasValue ? $", sorted by {sortBy} on the {(found.SortedByServer ? "server" : "client")}." : "."));

                int written = 0;
                // The next batch is fetched while this one goes down the pipeline.
                foreach (ImapFetchBatch batch in ReadAhead.Of(ImapMessageReader.FetchFound(session, found, CancellationToken)))
                {
                    WriteObject(batch.Messages, enumerateCollection: true);
                    written += batch.Messages.Count + batch.Missing.Count;
                    _progress.Update(written, found.Uids.Count, $"{written} of {found.Uids.Count} summaries from {found.Folder}");
                }
            });
        }

        protected override void EndProcessing() => _progress.Complete();

        private bool IsBound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        private ImapSearchCriteria BuildCriteria()
        {
            var criteria = new ImapSearchCriteria
            {
                Subject = Subject,
                From = From,
                To = To,
                Cc = Cc,
                Body = Body,
                Text = Text,
                Since = IsBound(nameof(Since)) ? Since : (DateTime?)null,
                Before = IsBound(nameof(Before)) ? Before : (DateTime?)null,
                SentSince = IsBound(nameof(SentSince)) ? SentSince : (DateTime?)null,
                SentBefore = IsBound(nameof(SentBefore)) ? SentBefore : (DateTime?)null,
                Unread = Unread,
                Seen = Seen,
                Flagged = Flagged,
                Unflagged = Unflagged,
                Answered = Answered,
                Deleted = Deleted,
                Draft = Draft,
                Keywords = Keyword ?? new string[0],
                LargerThan = IsBound(nameof(LargerThan)) ? LargerThan : (int?)null,
                SmallerThan = IsBound(nameof(SmallerThan)) ? SmallerThan : (int?)null,
                Uids = Uid,
            };

            foreach (DictionaryEntry entry in Header?.Cast<DictionaryEntry>() ?? Enumerable.Empty<DictionaryEntry>())
            {
                criteria.Headers.Add(new System.Collections.Generic.KeyValuePair<string, string>(
                    entry.Key?.ToString(), LanguagePrimitives.ConvertTo<string>(entry.Value) ?? string.Empty));
            }

            return criteria;
        }
    }
}
