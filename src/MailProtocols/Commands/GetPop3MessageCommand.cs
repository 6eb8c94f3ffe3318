using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Get, "Pop3Message", DefaultParameterSetName = AllSet)]
    [OutputType(typeof(Pop3Message))]
    public sealed class GetPop3MessageCommand : Pop3SessionCmdlet
    {
        private const string AllSet = "All";
        private const string IndexSet = "Index";
        private const string UidSet = "Uid";
        private const int ProgressId = 3101;

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = IndexSet)]
        [ValidateNotNullOrEmpty]
        public int[] Index { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = UidSet)]
        [ValidateNotNullOrEmpty]
        public string[] Uid { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int First { get; set; }

        [Parameter]
        public SwitchParameter Full { get; set; }

        protected override void ProcessRecord()
        {
            Pop3Session session = ResolveSession();
            Pop3Maildrop maildrop = session.Maildrop;
            if (!TryInvoke(session, () => maildrop.EnsureListed(CancellationToken)))
            {
                return;
            }

            var items = new List<Pop3Item>();
            switch (ParameterSetName)
            {
                case IndexSet:
                    foreach (int index in Index)
                    {
                        TryInvoke(index, () => items.Add(maildrop.ByIndex(index, CancellationToken)));
                    }

                    break;
                case UidSet:
                    foreach (string uid in Uid)
                    {
                        TryInvoke(uid, () => items.Add(maildrop.ByUid(uid, CancellationToken)));
                    }

                    break;
                default:
                    items.AddRange(maildrop.All(CancellationToken));
                    break;
            }

            IReadOnlyList<Pop3Item> selected = First > 0 ? items.Take(First).ToArray() : items.ToArray();
            if (selected.Count == 0)
            {
                return;
            }

            var progress = new BatchProgress(this, ProgressId,
                $"Reading {(Full ? "messages" : "headers")} from {session.Server}", "messages",
                selected.Count, Full ? selected.Sum(i => i.Size) : 0);
            try
            {
                TryInvoke(session, () =>
                {
                    void Emit(IReadOnlyList<Pop3Message> batch)
                    {
                        // A whole message gets the list view with its headers and text (MailProtocols.Pop3Message#Full).
                        WriteObject(Full ? batch.Select(m => ViewTag.Add(m, "MailProtocols.Pop3Message#Full")) : (IEnumerable<object>)batch, enumerateCollection: true);
                        if (Full)
                        {
                            progress.AddBytes(batch.Sum(m => m.Size));
                        }

                        progress.AddItems(batch.Count);
                    }

                    if (Full)
                    {
                        maildrop.FetchFull(selected, CancellationToken, Emit, (item, error) => WriteMailError(error, item.Uid));
                    }
                    else
                    {
                        maildrop.FetchHeaders(selected, CancellationToken, Emit);
                    }
                });
            }
            finally
            {
                progress.Complete();
            }
        }
    }
}
