namespace MailProtocols
{
    /// <summary>The facts the session knows about one message without downloading anything.</summary>
    internal sealed class Pop3Item
    {
        public Pop3Item(int index, string uid, long size, int generation)
        {
            Index = index;
            Uid = uid;
            Size = size;
            Generation = generation;
        }

        /// <summary>1-based, as on the wire.</summary>
        public int Index { get; }

        public string Uid { get; }

        public long Size { get; }

        /// <summary>The connection (MailSession.ConnectionGeneration) whose numbering <see cref="Index"/> belongs to.</summary>
        public int Generation { get; }

        public override string ToString() => $"message {Index} (UIDL {Uid})";
    }
}
