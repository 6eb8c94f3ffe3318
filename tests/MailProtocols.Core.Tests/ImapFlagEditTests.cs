using System.Linq;
using MailProtocols.Core.Imap;
using Xunit;

namespace MailProtocols.Core.Tests
{
    /// <summary>Set-ImapFlag's rule: which STOREs each combination of -Add, -Remove, -Replace and -Keyword sends.</summary>
    public class ImapFlagEditTests
    {
        private static string Plan(ImapFlagEdit edit) =>
            string.Join(" | ", edit.Stores.Select(s => $"{s.Change} {s.Flags?.ToString() ?? "-"} [{string.Join(",", s.Keywords)}]"));

        [Fact]
        public void Keywords_alone_are_added() =>
            Assert.Equal("Add - [Work]", Plan(ImapFlagEdit.Create(null, null, null, new[] { "Work" })));

        [Fact]
        public void Keywords_with_Remove_only_are_removed() =>
            Assert.Equal("Remove Seen [Work]", Plan(ImapFlagEdit.Create(null, ImapMessageFlags.Seen, null, new[] { "Work" })));

        [Fact]
        public void Add_and_Remove_send_two_stores_without_keywords() =>
            Assert.Equal("Add Flagged [] | Remove Seen []", Plan(ImapFlagEdit.Create(ImapMessageFlags.Flagged, ImapMessageFlags.Seen, null, null)));

        [Fact]
        public void Replace_sets_flags_and_keywords() =>
            Assert.Equal("Set Seen [Work]", Plan(ImapFlagEdit.Create(null, null, ImapMessageFlags.Seen, new[] { "Work" })));

        [Theory]
        [InlineData(true, false, true, false, "ConflictingParameters")]
        [InlineData(true, true, false, true, "AmbiguousKeyword")]
        [InlineData(false, false, false, false, "NothingToChange")]
        public void Combinations_that_make_no_sense_are_refused(bool add, bool remove, bool replace, bool keyword, string reason)
        {
            var ex = Assert.Throws<MailProtocolException>(() => ImapFlagEdit.Create(
                add ? ImapMessageFlags.Seen : (ImapMessageFlags?)null,
                remove ? ImapMessageFlags.Seen : (ImapMessageFlags?)null,
                replace ? ImapMessageFlags.Seen : (ImapMessageFlags?)null,
                keyword ? new[] { "Work" } : null));
            Assert.Equal(reason, ex.Reason);
            Assert.Equal(MailErrorKind.InvalidArgument, ex.Kind);
        }

        [Fact]
        public void A_keyword_that_cannot_be_sent_is_refused() =>
            Assert.Equal("InvalidKeyword", Assert.Throws<MailProtocolException>(() => ImapFlagEdit.Create(null, null, null, new[] { "a b" })).Reason);

        [Fact]
        public void Apply_follows_the_same_rule_as_the_stores()
        {
            var message = new ImapMessage { Flags = ImapMessageFlags.Seen | ImapMessageFlags.Draft, Keywords = new[] { "Old", "Work" } };

            ImapFlagEdit.Create(ImapMessageFlags.Flagged, ImapMessageFlags.Draft, null, null).Apply(message);
            Assert.Equal(ImapMessageFlags.Seen | ImapMessageFlags.Flagged, message.Flags);

            ImapFlagEdit.Create(null, ImapMessageFlags.Seen, null, new[] { "Work" }).Apply(message);
            Assert.Equal(ImapMessageFlags.Flagged, message.Flags);
            Assert.Equal(new[] { "Old" }, message.Keywords);

            ImapFlagEdit.Create(null, null, ImapMessageFlags.Answered, new[] { "New" }).Apply(message);
            Assert.Equal(ImapMessageFlags.Answered, message.Flags);
            Assert.Equal(new[] { "New" }, message.Keywords);
        }

        [Fact]
        public void Describe_names_every_store() =>
            Assert.Equal("Add Flagged; Remove Seen", ImapFlagEdit.Create(ImapMessageFlags.Flagged, ImapMessageFlags.Seen, null, null).Describe());

        [Fact]
        public void Run_asks_before_each_message_and_changes_nothing_when_every_answer_is_no()
        {
            var set = new ImapMessageSet(null, "INBOX", 7);
            set.Add(new ImapMessage { Uid = 4, Subject = "Invoice" });
            set.Add(5);
            var channel = new RecordingChannel(allowChanges: false);

            ImapFlagEdit.Create(ImapMessageFlags.Seen, null, null, null).Run(set, passThru: true, channel);

            Assert.Equal(new[] { "Add Seen: message 4 in INBOX ('Invoice')", "Add Seen: message 5 in INBOX" }, channel.Questions);
            Assert.Empty(channel.Outputs);
        }
    }
}
