using MimeKit;

namespace MailProtocols.Core.Messages
{
    /// <summary>What the header lines alone say about a message whose body has not been read.</summary>
    internal static class MessageHeaderFacts
    {
        /// <summary>
        /// multipart/mixed is the container mail programs use for attachments, so before the body is known
        /// (a POP3 listing reads headers only) it stands for "has attachments".
        /// </summary>
        public static bool SuggestsAttachments(HeaderList headers)
        {
            string value = headers[HeaderId.ContentType];
            return value != null && ContentType.TryParse(value, out ContentType type) &&
                type.IsMimeType("multipart", "mixed");
        }
    }
}
