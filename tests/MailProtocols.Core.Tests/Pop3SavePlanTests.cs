using System.IO;
using System.Linq;
using MailProtocols.Core.Pop3;
using MailProtocols.Tests;
using Xunit;

namespace MailProtocols.Core.Tests
{
    /// <summary>Save-Pop3Message's plan: what is downloaded, and what is marked for deletion after which outcomes.</summary>
    public class Pop3SavePlanTests
    {
        private static readonly Pop3Session Session = TestSessions.Pop3(new ConnectionSettings { Server = "pop.example.com", UserName = "u" });

        private static Pop3Target Target(int index, string uid, long size = 10) => new Pop3Target(Session, new Pop3Item(index, uid, size, 0), null);

        [Fact]
        public void Every_message_is_asked_about_once_and_planned_for_download()
        {
            using (var dir = new TempDirectory())
            {
                var channel = new RecordingChannel();
                Pop3SavePlan plan = new Pop3MessageSaver(dir.Path, delete: false, skipExisting: false).Plan(new[] { Target(1, "a"), Target(2, "b") }, channel);

                Assert.Equal(new[] { "a", "b" }, plan.ToSave.Select(r => r.Item.Uid));
                Assert.Equal(Path.Combine(dir.Path, "a.eml"), plan.ToSave[0].Path);
                Assert.Empty(plan.AlreadyOnDisk);
                Assert.Equal(2, channel.Questions.Count);
                Assert.All(channel.Questions, q => Assert.StartsWith("Save to '", q));
            }
        }

        [Fact]
        public void WhatIf_plans_nothing()
        {
            using (var dir = new TempDirectory())
            {
                var channel = new RecordingChannel(allowChanges: false);
                Pop3SavePlan plan = new Pop3MessageSaver(dir.Path, delete: true, skipExisting: false).Plan(new[] { Target(1, "a") }, channel);

                Assert.Empty(plan.ToSave);
                Assert.Contains("then mark for deletion", Assert.Single(channel.Questions));
            }
        }

        [Fact]
        public void SkipExisting_with_Delete_marks_a_complete_copy_and_refuses_one_of_another_size()
        {
            using (var dir = new TempDirectory())
            {
                File.WriteAllBytes(dir.Combine("same.eml"), new byte[10]);
                File.WriteAllBytes(dir.Combine("short.eml"), new byte[3]);
                var channel = new RecordingChannel();
                Pop3SavePlan plan = new Pop3MessageSaver(dir.Path, delete: true, skipExisting: true)
                    .Plan(new[] { Target(1, "same"), Target(2, "short"), Target(3, "new") }, channel);

                Assert.Equal("same", Assert.Single(plan.AlreadyOnDisk).Item.Uid);
                Assert.Equal("new", Assert.Single(plan.ToSave).Item.Uid);
                (MailProtocolException error, object target) = Assert.Single(channel.Errors);
                Assert.Equal("ExistingFileDiffers", error.Reason);
                Assert.Equal("short", target);
                Assert.Equal(2, channel.Verbose.Count(v => v.StartsWith("Skipped")));
            }
        }

        [Fact]
        public void SkipExisting_without_Delete_leaves_saved_messages_alone()
        {
            using (var dir = new TempDirectory())
            {
                File.WriteAllBytes(dir.Combine("a.eml"), new byte[10]);
                var channel = new RecordingChannel();
                Pop3SavePlan plan = new Pop3MessageSaver(dir.Path, delete: false, skipExisting: true).Plan(new[] { Target(1, "a") }, channel);

                Assert.Empty(plan.ToSave);
                Assert.Empty(plan.AlreadyOnDisk);
                Assert.Empty(channel.Questions);
            }
        }

        [Fact]
        public void Only_saved_messages_of_an_unbroken_batch_are_marked_each_after_its_own_question()
        {
            Pop3Target saved = Target(1, "a"), failed = Target(2, "b"), declined = Target(3, "c");
            var outcomes = new[]
            {
                Pop3SaveOutcome.Succeeded(new Pop3SaveRequest(saved, "a.eml"), "a.eml", null),
                Pop3SaveOutcome.Failed(new Pop3SaveRequest(failed, "b.eml"), new MailProtocolException(MailErrorKind.WriteError, "FileWriteFailed", "disk full")),
                Pop3SaveOutcome.Succeeded(new Pop3SaveRequest(declined, "c.eml"), "c.eml", null),
            };
            var channel = new RecordingChannel(target => !target.Contains("UIDL c"));

            var saver = new Pop3MessageSaver("d", delete: true, skipExisting: false);

            Assert.Equal(new[] { saved }, saver.Deletable(outcomes, broken: false, channel));
            Assert.Equal(2, channel.Questions.Count);
            Assert.Empty(saver.Deletable(outcomes, broken: true, new RecordingChannel()));
            Assert.Empty(new Pop3MessageSaver("d", delete: false, skipExisting: false).Deletable(outcomes, broken: false, new RecordingChannel()));
        }
    }
}
