using System.IO;
using System.Management.Automation;
using MailProtocols.Core.Files;

namespace MailProtocols.Commands
{
    /// <summary>
    /// The FileInfo of a file a Save-* cmdlet wrote, tagged so the SavedFile view shows its name, size and the
    /// message it came from (Linux has no useful Mode/User/Group columns), with that message as a Message property.
    /// </summary>
    internal static class SavedFile
    {
        public const string TypeName = "MailProtocols.SavedFile";

        public static PSObject Create(string path, MailMessageBase message)
        {
            PSObject item = PSObject.AsPSObject(new FileInfo(path));
            item.TypeNames.Insert(0, TypeName);
            item.Properties.Add(new PSNoteProperty("Message", message));
            return item;
        }

        /// <summary>A file a core operation reported, with AlreadySaved where the operation tells it.</summary>
        public static PSObject Create(SavedMessageFile saved)
        {
            PSObject item = Create(saved.Path, saved.Message);
            if (saved.AlreadySaved.HasValue)
            {
                item.Properties.Add(new PSNoteProperty("AlreadySaved", saved.AlreadySaved.Value));
            }

            return item;
        }
    }
}
