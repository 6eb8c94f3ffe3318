namespace MailProtocols
{
    /// <summary>The facts the session knows about one message without downloading anything.</summary>
    internal sealed class Pop3Item
    {
        public Pop3Item(int index, string uid, long size)
        {
            Index = index;
            Uid = uid;
            Size = size;
        }

        /// <summary>1-based, as on the wire.</summary>
        public int Index { get; }

        public string Uid { get; }

        public long Size { get; }

        public override string ToString() => $"message {Index} (UIDL {Uid})";
    }
}
