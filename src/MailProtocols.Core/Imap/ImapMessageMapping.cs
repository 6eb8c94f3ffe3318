using System;
using System.Linq;
using MailKit;
using MailProtocols.Core.Messages;
using MimeKit;

namespace MailProtocols.Core.Imap
{
    /// <summary>Fills <see cref="ImapMessage"/> objects from MailKit's FETCH results, and keeps their MailKit parts.</summary>
    internal static class ImapMessageMapping
    {
        extension(ImapMessage message)
        {
            /// <summary>The server's BODYSTRUCTURE, used to fetch single parts and attachments.</summary>
            internal BodyPart BodyStructure
            {
                get => message.BodyStructureData as BodyPart;
                set => message.BodyStructureData = value;
            }

            internal UniqueId UniqueId => new UniqueId(message.UidValidity, message.Uid);

            /// <summary>Copies whatever the FETCH returned; items that were not asked for keep their values.</summary>
            internal void ApplySummary(IMessageSummary summary)
            {
                message.ApplyFlags(summary);
                message.ApplyContent(summary);
            }

            /// <summary>Flags and keywords: what a later FETCH response for the same message (an unsolicited flag update) may still change.</summary>
            internal void ApplyFlags(IMessageSummary summary)
            {
                if (summary.Flags.HasValue)
                {
                    message.Flags = ImapMessageFlagsExtensions.FromMailKit(summary.Flags.Value);
                    // Most messages carry no keyword; the sort would still cost an enumerator and an array each.
                    message.Keywords = summary.Keywords.Count == 0 ? Array.Empty<string>() : summary.Keywords.OrderBy(k => k, StringComparer.Ordinal).ToArray();
                }
            }

            /// <summary>Size, dates, envelope, structure and headers: what the message's own FETCH response sets once.</summary>
            internal void ApplyContent(IMessageSummary summary)
            {
                if (summary.Size.HasValue)
                {
                    message.Size = summary.Size.Value;
                }

                if (summary.InternalDate.HasValue)
                {
                    message.InternalDate = summary.InternalDate.Value;
                }

                if (summary.Envelope != null)
                {
                    message.ApplyEnvelope(summary.Envelope);
                }

                if (summary.Body != null)
                {
                    message.BodyStructure = summary.Body;
                    message.Attachments = summary.Attachments.Select(ImapAttachmentReader.Listed).ToArray();
                    message.HasAttachments = message.Attachments.Length > 0;
                }

                if (summary.Headers != null)
                {
                    message.ApplyHeaders(summary.Headers);
                }
            }

            /// <summary>Subject, addresses, date and Message-ID.</summary>
            internal void ApplyEnvelope(Envelope envelope)
            {
                message.Subject = envelope.Subject;
                message.From = AddressText.Of(envelope.From);
                message.To = AddressText.Of(envelope.To);
                message.Cc = AddressText.Of(envelope.Cc);
                message.Date = envelope.Date;
                message.MessageId = envelope.MessageId;
            }

            /// <summary>A copy that describes the same message at a new place (after COPY or MOVE).</summary>
            internal ImapMessage CopyTo(IMailFolder folder, UniqueId uid)
            {
                ImapMessage copy = message.Clone();
                copy.Folder = folder.FullName;
                copy.FolderSeparator = folder.DirectorySeparator;
                copy.Uid = uid.Id;
                copy.UidValidity = uid.Validity != 0 ? uid.Validity : folder.UidValidity;
                return copy;
            }
        }

        extension(ImapMessage)
        {
            internal static ImapMessage FromSummary(IMessageSummary summary, IMailFolder folder, ImapSession session)
            {
                ImapMessage message = ImapMessage.Identified(summary, folder, session);
                message.ApplyContent(summary);
                return message;
            }

            /// <summary>
            /// A message's identity and flags from its summary. A walk takes them on the thread that reads the FETCH,
            /// and leaves the rest (<see cref="ApplyContent"/>) to the pipeline thread.
            /// </summary>
            internal static ImapMessage Identified(IMessageSummary summary, IMailFolder folder, ImapSession session)
            {
                var message = new ImapMessage
                {
                    Uid = summary.UniqueId.Id,
                    Folder = folder.FullName,
                    UidValidity = folder.UidValidity,
                    FolderSeparator = folder.DirectorySeparator,
                    Session = session,
                };
                message.ApplyFlags(summary);
                return message;
            }
        }
    }
}
