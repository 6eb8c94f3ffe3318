using System.Management.Automation;

namespace MailProtocols.Commands
{
    /// <summary>
    /// Puts a type name such as "MailProtocols.ImapMessage#Full" first on an output object, which selects
    /// another format view for it without changing its .NET type (so parameter binding and -is still work).
    /// </summary>
    internal static class ViewTag
    {
        public static PSObject Add(object value, string typeName)
        {
            PSObject item = PSObject.AsPSObject(value);
            if (!item.TypeNames.Contains(typeName))
            {
                item.TypeNames.Insert(0, typeName);
            }

            return item;
        }
    }
}
