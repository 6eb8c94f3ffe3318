using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MailProtocols.Core.Smtp;

namespace MailProtocols.Commands
{
    /// <summary>The parameters that build a message, shared by New-MailMessage and Send-SmtpMessage's one-liner.</summary>
    public abstract class MailDraftCmdlet : MailCmdlet
    {
        internal const string ComposeSet = "Compose";

        [Parameter(Mandatory = true, ParameterSetName = ComposeSet)]
        [ValidateNotNullOrEmpty]
        public string From { get; set; }

        [Parameter(Position = 0, ParameterSetName = ComposeSet)]
        [ValidateNotNull]
        public string[] To { get; set; }

        [Parameter(ParameterSetName = ComposeSet)]
        [ValidateNotNull]
        public string[] Cc { get; set; }

        [Parameter(ParameterSetName = ComposeSet)]
        [ValidateNotNull]
        public string[] Bcc { get; set; }

        [Parameter(ParameterSetName = ComposeSet)]
        [ValidateNotNull]
        public string[] ReplyTo { get; set; }

        [Parameter(Position = 1, ParameterSetName = ComposeSet)]
        [AllowEmptyString]
        public string Subject { get; set; }

        [Parameter(Position = 2, ParameterSetName = ComposeSet)]
        [AllowEmptyString]
        public string Body { get; set; }

        [Parameter(ParameterSetName = ComposeSet)]
        [ValidateNotNull]
        public string HtmlBody { get; set; }

        [Parameter(ParameterSetName = ComposeSet)]
        [ValidateNotNullOrEmpty]
        [Alias("Attachments")]
        public string[] Attachment { get; set; }

        [Parameter(ParameterSetName = ComposeSet)]
        [ValidateNotNullOrEmpty]
        public string[] InlineAttachment { get; set; }

        [Parameter(ParameterSetName = ComposeSet)]
        public MailMessagePriority Priority { get; set; }

        [Parameter(ParameterSetName = ComposeSet)]
        [ValidateNotNull]
        public IDictionary Header { get; set; }

        [Parameter(ParameterSetName = ComposeSet)]
        [ValidateNotNull]
        public MailMessageBase InReplyTo { get; set; }

        [Parameter(ParameterSetName = ComposeSet)]
        [ValidateNotNull]
        public MailMessageBase Forward { get; set; }

        /// <summary>The bound parameters as the core's request, with paths resolved against the current location.</summary>
        internal MailDraftRequest NewDraftRequest() => new MailDraftRequest
        {
            From = From,
            To = To,
            Cc = Cc,
            Bcc = Bcc,
            ReplyTo = ReplyTo,
            Subject = Subject,
            Body = Body,
            HtmlBody = HtmlBody,
            Attachments = Attachment?.Select(GetUnresolvedProviderPathFromPSPath).ToArray(),
            InlineAttachments = InlineAttachment?.Select(GetUnresolvedProviderPathFromPSPath).ToArray(),
            Priority = Priority,
            Headers = Header == null
                ? new List<KeyValuePair<string, string>>()
                : Header.Cast<DictionaryEntry>().Select(e => new KeyValuePair<string, string>(e.Key?.ToString(), LanguagePrimitives.ConvertTo<string>(e.Value))).ToList(),
            InReplyTo = InReplyTo,
            Forward = Forward,
        };
    }
}
