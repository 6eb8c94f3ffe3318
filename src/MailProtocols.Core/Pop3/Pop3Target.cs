namespace MailProtocols.Core.Pop3
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

        /// <summary>What an error about this message names: the piped object, or its UIDL.</summary>
        public object ErrorTarget => Source ?? (object)Item.Uid;

        /// <summary>The message as an output object: the piped one, or one built from what the session listed.</summary>
        public Pop3Message Message => Source ?? new Pop3Message(Session, Item);

        /// <summary>"message 3 (UIDL 0000000161A3) 'Invoice' in POP3 session 1 to mail.example.com"</summary>
        public override string ToString()
        {
            string subject = string.IsNullOrEmpty(Source?.Subject) ? string.Empty : $" '{Source.Subject}'";
            return $"message {Item.Index} (UIDL {Item.Uid}){subject} in POP3 session {Session.Id} to {Session.Server}";
        }
    }
}
