using System;
using System.Collections;
using System.Management.Automation;

namespace MailProtocols.Commands
{
    /// <summary>
    /// Lets -Rights take RFC 4314 letters ("lrs") as well as names ("Lookup, Read") or the enum itself;
    /// a list of strings is joined, so -Rights Lookup, Read works too.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ImapFolderRightsTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case ImapFolderRights rights:
                    return rights;
                case int number:
                    return (ImapFolderRights)number;
                case string text:
                    return Parse(text);
                case IEnumerable items:
                    var all = ImapFolderRights.None;
                    foreach (object item in items)
                    {
                        all |= (ImapFolderRights)Transform(engineIntrinsics, item);
                    }

                    return all;
                default:
                    return inputData;
            }
        }

        private static ImapFolderRights Parse(string text)
        {
            try
            {
                return ImapFolderRightsText.Parse(text);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentTransformationMetadataException(ex.Message, ex);
            }
        }
    }
}
