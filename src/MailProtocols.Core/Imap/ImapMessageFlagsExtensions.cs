using MailKit;

namespace MailProtocols.Core.Imap
{
    /// <summary>Between the public flags and MailKit's.</summary>
    internal static class ImapMessageFlagsExtensions
    {
        public static MessageFlags ToMailKit(this ImapMessageFlags flags)
        {
            MessageFlags result = MessageFlags.None;
            if ((flags & ImapMessageFlags.Seen) != 0)
            {
                result |= MessageFlags.Seen;
            }

            if ((flags & ImapMessageFlags.Answered) != 0)
            {
                result |= MessageFlags.Answered;
            }

            if ((flags & ImapMessageFlags.Flagged) != 0)
            {
                result |= MessageFlags.Flagged;
            }

            if ((flags & ImapMessageFlags.Deleted) != 0)
            {
                result |= MessageFlags.Deleted;
            }

            if ((flags & ImapMessageFlags.Draft) != 0)
            {
                result |= MessageFlags.Draft;
            }

            return result;
        }

        public static ImapMessageFlags FromMailKit(MessageFlags flags)
        {
            ImapMessageFlags result = ImapMessageFlags.None;
            if ((flags & MessageFlags.Seen) != 0)
            {
                result |= ImapMessageFlags.Seen;
            }

            if ((flags & MessageFlags.Answered) != 0)
            {
                result |= ImapMessageFlags.Answered;
            }

            if ((flags & MessageFlags.Flagged) != 0)
            {
                result |= ImapMessageFlags.Flagged;
            }

            if ((flags & MessageFlags.Deleted) != 0)
            {
                result |= ImapMessageFlags.Deleted;
            }

            if ((flags & MessageFlags.Draft) != 0)
            {
                result |= ImapMessageFlags.Draft;
            }

            return result;
        }
    }
}
