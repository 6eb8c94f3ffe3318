using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace MailProtocols.Commands
{
    /// <summary>A message a command will act on: the session's item, and the object it came from (if any) for readable targets.</summary>
    internal sealed class Pop3Target
    {
        public Pop3Target(Pop3Session session, Pop3Item item, Pop3Message source)
        {
            Session = session;
            Item = item;
            Source = source;
        }

        public Pop3Session Session { get; }

        public Pop3Item Item { get; }

        public Pop3Message Source { get; }

        /// <summary>"message 3 (UIDL 0000000161A3) 'Invoice' in POP3 session 1 to mail.example.com"</summary>
        public override string ToString()
        {
            string subject = string.IsNullOrEmpty(Source?.Subject) ? string.Empty : $" '{Source.Subject}'";
            return $"message {Item.Index} (UIDL {Item.Uid}){subject} in POP3 session {Session.Id} to {Session.Server}";
        }
    }

    /// <summary>
    /// Collects the messages a Save/Remove command is given in ProcessRecord (objects, numbers, UIDLs, or
    /// everything) and resolves them per session in EndProcessing, writing one error per item that cannot be
    /// resolved safely: a closed session, a UIDL no longer at its number, a number or UIDL that does not exist.
    /// </summary>
    internal sealed class Pop3Selection
    {
        /// <summary>Stands for "every message of the session" (no selection given).</summary>
        private static readonly object Everything = new object();

        private readonly List<KeyValuePair<Pop3Session, object>> _requests = new List<KeyValuePair<Pop3Session, object>>();

        public bool IsEmpty => _requests.Count == 0;

        public void AddMessages(Pop3Session session, IEnumerable<Pop3Message> messages) => Add(session, messages);

        public void AddIndexes(Pop3Session session, IEnumerable<int> indexes) => Add(session, indexes.Cast<object>());

        public void AddUids(Pop3Session session, IEnumerable<string> uids) => Add(session, uids);

        public void AddAll(Pop3Session session) => Add(session, new[] { Everything });

        /// <summary>The targets of each session, in the order the sessions first appeared; each message once.</summary>
        public IEnumerable<KeyValuePair<Pop3Session, IReadOnlyList<Pop3Target>>> Resolve(MailCmdlet cmdlet, CancellationToken cancellationToken)
        {
            foreach (IGrouping<Pop3Session, KeyValuePair<Pop3Session, object>> group in _requests.GroupBy(r => r.Key))
            {
                Pop3Session session = group.Key;
                Pop3Maildrop maildrop = session.Maildrop;
                var targets = new List<Pop3Target>();
                var seen = new HashSet<int>();
                foreach (object key in group.Select(r => r.Value))
                {
                    cmdlet.TryInvoke(key == Everything ? session : key, () =>
                    {
                        switch (key)
                        {
                            case Pop3Message message:
                                Add(targets, seen, new Pop3Target(session, maildrop.ForMessage(message, cancellationToken), message));
                                break;
                            case int index:
                                Add(targets, seen, new Pop3Target(session, maildrop.ByIndex(index, cancellationToken), null));
                                break;
                            case string uid:
                                Add(targets, seen, new Pop3Target(session, maildrop.ByUid(uid, cancellationToken), null));
                                break;
                            default:
                                foreach (Pop3Item item in maildrop.All(cancellationToken))
                                {
                                    Add(targets, seen, new Pop3Target(session, item, null));
                                }

                                break;
                        }
                    });
                }

                yield return new KeyValuePair<Pop3Session, IReadOnlyList<Pop3Target>>(session, targets);
            }
        }

        private void Add(Pop3Session session, IEnumerable<object> keys)
        {
            foreach (object key in keys)
            {
                if (key != null)
                {
                    _requests.Add(new KeyValuePair<Pop3Session, object>(session, key));
                }
            }
        }

        private static void Add(List<Pop3Target> targets, HashSet<int> seen, Pop3Target target)
        {
            if (seen.Add(target.Item.Index))
            {
                targets.Add(target);
            }
        }
    }
}
