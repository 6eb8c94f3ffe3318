using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MailProtocols.Core.Imap;
using MailProtocols.Core.Operations;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Search, "ImapFolder")]
    [OutputType(typeof(ImapMessage))]
    public sealed class SearchImapFolderCommand : ImapSessionCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ImapFolderCompleter))]
        public string Folder { get; set; } = "INBOX";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Subject { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] From { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] To { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Cc { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Body { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Text { get; set; }

        /// <summary>Leaves out messages whose From contains any of these.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] NotFrom { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] NotTo { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] NotSubject { get; set; }

        /// <summary>RFC 3501 search keys ("OR FROM a FROM b") or the short syntax ("from:a subject:VPN"), ANDed with the other criteria.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Query { get; set; }

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

        /// <summary>Summaries also carry BODYSTRUCTURE: Attachments and HasAttachments (null without it).</summary>
        [Parameter]
        public SwitchParameter IncludeStructure { get; set; }

        protected override void BeginProcessing()
        {
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
            ImapSortField? sortBy = IsBound(nameof(SortBy)) ? SortBy : (ImapSortField?)null;
            int? first = IsBound(nameof(First)) ? First : (int?)null;
            string folder = Folder;
            string target = $"folder '{Folder}'";

            TryInvoke(target, () =>
            {
                // "Search-ImapFolder 'from:priya subject:VPN'": the folder slot holds a query, unless a folder of that name exists.
                string positionalQuery = null;
                if (ImapSearchTarget.IsQueryNotFolder(session, Folder, CancellationToken))
                {
                    positionalQuery = Folder;
                    folder = "INBOX";
                    WriteVerbose($"There is no folder '{Folder}' and it reads as a query, so INBOX is searched with it. To search another folder, give it with -Folder and the query with -Query.");
                }

                ImapSearchCriteria criteria = BuildCriteria(positionalQuery);
                if (!ImapFolderOperations.HoldsMessages(session, folder, CancellationToken))
                {
                    // A container such as 'Projects' when only 'Projects/Web' holds mail: nothing to find, not an error.
                    WriteVerbose($"'{folder}' only groups other folders and holds no messages; skipped.");
                    return;
                }

                // has:attachment has no IMAP search key: the summaries' BODYSTRUCTURE answers it, so it brings the structure.
                bool withStructure = IncludeStructure || criteria.HasAttachment;
                ImapSearchResult found = ImapFolderSearch.Find(session, folder, criteria, sortBy, Descending, first, withStructure, true, CancellationToken);
                WriteVerbose($"{found.Count} message(s) found in '{found.Folder}'" +
                    (sortBy.HasValue ? $", sorted by {sortBy} on the {(found.SortedByServer ? "server" : "client")}." : "."));

                int written = 0;
                IEnumerable<ImapFetchBatch> batches = ImapMessageReader.FetchFound(session, found, CancellationToken);
                if (!found.IsByPosition && found.NeedsFetch && found.Count > ImapMessageReader.SummaryBatchSize)
                {
                    // The next batch is fetched while this one goes down the pipeline. A walk by position streams on
                    // its own worker; a single or prefetched batch has nothing to read ahead of.
                    batches = ReadAhead.Of(batches);
                }

                foreach (ImapFetchBatch batch in batches)
                {
                    // A reconnect on the worker that reads the batches is told before what it read.
                    WriteNoticesFromWorkers();
                    WriteObject(criteria.HasAttachment ? batch.Messages.Where(m => m.HasAttachments == true) : batch.Messages, enumerateCollection: true);
                    written += batch.Messages.Count + batch.Missing.Count;
                    Channel.Progress(new OperationProgress("Search-ImapFolder", $"{written} of {found.Count} summaries from {found.Folder}", written, found.Count));
                }

                WriteNoticesFromWorkers();
            });
        }

        protected override void EndProcessing() => CompleteProgress();

        private bool IsBound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        private ImapSearchCriteria BuildCriteria(string shortQuery = null)
        {
            var criteria = new ImapSearchCriteria
            {
                Subject = List(Subject),
                From = List(From),
                To = List(To),
                Cc = List(Cc),
                Body = List(Body),
                Text = List(Text),
                NotFrom = List(NotFrom),
                NotTo = List(NotTo),
                NotSubject = List(NotSubject),
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
                Keywords = List(Keyword),
                LargerThan = IsBound(nameof(LargerThan)) ? LargerThan : (int?)null,
                SmallerThan = IsBound(nameof(SmallerThan)) ? SmallerThan : (int?)null,
                Uids = Uid,
            };

            foreach (DictionaryEntry entry in Header?.Cast<DictionaryEntry>() ?? Enumerable.Empty<DictionaryEntry>())
            {
                criteria.Headers.Add(new System.Collections.Generic.KeyValuePair<string, string>(
                    entry.Key?.ToString(), LanguagePrimitives.ConvertTo<string>(entry.Value) ?? string.Empty));
            }

            // -Query holds RFC 3501 search keys or the short syntax: it starts with a search key name, or it has "key:" words.
            if (Query != null)
            {
                if (!ImapSearchKeyParser.StartsWithSearchKey(Query) && ImapQueryParser.LooksLikeQuery(Query))
                {
                    ImapQueryParser.Apply(Query, criteria);
                }
                else
                {
                    criteria.Query = Query;
                }
            }

            if (shortQuery != null)
            {
                ImapQueryParser.Apply(shortQuery, criteria);
            }

            return criteria;
        }

        private static System.Collections.Generic.List<string> List(string[] values) => new System.Collections.Generic.List<string>(values ?? new string[0]);
    }
}
