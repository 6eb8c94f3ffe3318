using System.Collections.Generic;
using MailKit;
using MailProtocols.Core.Imap;
using MailProtocols.Core.Messages;
using MimeKit;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>From, To and Cc as text: the same as MimeKit's InternetAddressList.ToString(), shortcut or not.</summary>
    public class AddressTextTests
    {
        public static TheoryData<string> Lists() => new TheoryData<string>
        {
            "bob@builder.example",
            "Bob Builder <bob@builder.example>",
            "u5ed31be7 <u5ed31be7@testbed.example>",
            "\"Priya, Ops\" <priya@example.org>, ops@example.org",
            "=?UTF-8?Q?L=C3=A9a_Dubois?= <lea@example.fr>",
            "\"Jürgen (IT)\" <juergen@example.de>, Ana <ana@example.org>, c@example.org",
            "\"Say \\\"hi\\\"\" <hi@example.org>",
            "\"back\\\\slash\" <bs@example.org>",
            "<@relay.example:route@example.org>",
            "Team: a@example.org, B <b@example.org>;",
            "x@example.org, Team: a@example.org;",
            "\"\" <empty-name@example.org>",
            "用户 <user@例子.测试>",
        };

        [Theory]
        [MemberData(nameof(Lists))]
        public void TextIsWhatMimeKitWrites(string header)
        {
            InternetAddressList list = InternetAddressList.Parse(header);

            Assert.Equal(list.ToString(), AddressText.Of(list));
        }

        [Fact]
        public void AnAbsentOrEmptyListHasNoText()
        {
            Assert.Null(AddressText.Of(null));
            Assert.Null(AddressText.Of(new InternetAddressList()));
        }

        [Fact]
        public void AnEnvelopeGivesSubjectAddressesAndMessageId()
        {
            var envelope = new Envelope { Subject = "Quarterly report", MessageId = "q3@example.org" };
            envelope.From.Add(new MailboxAddress("Bob Builder", "bob@builder.example"));
            envelope.To.Add(new MailboxAddress("", "ops@example.org"));
            envelope.To.Add(new MailboxAddress("Priya, Ops", "priya@example.org"));
            var message = new ImapMessage();

            // ApplySummary itself cannot run here: this project loads MailKit's net10.0 build, whose Keywords type differs.
            message.ApplyEnvelope(envelope);

            Assert.Equal("Quarterly report", message.Subject);
            Assert.Equal("\"Bob Builder\" <bob@builder.example>", message.From);
            Assert.Equal("ops@example.org, \"Priya, Ops\" <priya@example.org>", message.To);
            Assert.Null(message.Cc);
            Assert.Equal("q3@example.org", message.MessageId);
        }
    }
}
