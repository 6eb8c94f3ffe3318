namespace MailProtocols.Core.Pop3
{
    /// <summary>What happened to one <see cref="Pop3SaveRequest"/>: saved to <see cref="Path"/> (Error is null) or not.</summary>
    internal sealed class Pop3SaveOutcome
    {
        private Pop3SaveOutcome(Pop3SaveRequest request, string path, string note, MailProtocolException error)
        {
            Request = request;
            Path = path;
            Note = note;
            Error = error;
        }

        public Pop3SaveRequest Request { get; }

        /// <summary>The file that holds the message; usually the requested path (see <see cref="MessageFileWriter"/>).</summary>
        public string Path { get; }

        /// <summary>Why <see cref="Path"/> is not the requested one, for a warning; or null.</summary>
        public string Note { get; }

        public MailProtocolException Error { get; }

        public bool Saved => Error == null;

        public static Pop3SaveOutcome Succeeded(Pop3SaveRequest request, string path, string note) => new Pop3SaveOutcome(request, path, note, null);

        public static Pop3SaveOutcome Failed(Pop3SaveRequest request, MailProtocolException error) => new Pop3SaveOutcome(request, null, null, error);
    }
}
