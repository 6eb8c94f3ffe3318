using System.Collections.Generic;

namespace MailProtocols.Core.Smtp
{
    /// <summary>What New-MailMessage (or Send-SmtpMessage's one-liner) was asked to build, in plain types.</summary>
    internal sealed class MailDraftRequest
    {
        public string From { get; set; }

        public string[] To { get; set; }

        public string[] Cc { get; set; }

        public string[] Bcc { get; set; }

        public string[] ReplyTo { get; set; }

        /// <summary>Null: "Re: …" or "Fwd: …" of the original, or empty.</summary>
        public string Subject { get; set; }

        public string Body { get; set; }

        public string HtmlBody { get; set; }

        /// <summary>Full paths of the files to attach.</summary>
        public string[] Attachments { get; set; }

        /// <summary>Full paths of images the HTML body shows as cid:&lt;file name&gt;.</summary>
        public string[] InlineAttachments { get; set; }

        public MailMessagePriority Priority { get; set; }

        /// <summary>Extra header fields, in order.</summary>
        public IList<KeyValuePair<string, string>> Headers { get; set; } = new List<KeyValuePair<string, string>>();

        /// <summary>The message this one answers (threading headers, "Re:", quoted text).</summary>
        public MailMessageBase InReplyTo { get; set; }

        /// <summary>The message this one forwards (attached as message/rfc822).</summary>
        public MailMessageBase Forward { get; set; }
    }
}
