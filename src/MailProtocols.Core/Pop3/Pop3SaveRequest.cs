namespace MailProtocols.Core.Pop3
{
    /// <summary>One message to save, and the file name it should get.</summary>
    internal sealed class Pop3SaveRequest
    {
        public Pop3SaveRequest(Pop3Target target, string path)
        {
            Target = target;
            Path = path;
        }

        public Pop3Target Target { get; }

        public Pop3Item Item => Target.Item;

        public string Path { get; }
    }
}
