using System;
using System.Collections.Generic;
using System.Linq;

namespace MailProtocols
{
    /// <summary>
    /// The folder names a session has seen, kept so tab completion can offer them without a
    /// network call. Filled by every listing and kept current by create, rename and delete.
    /// </summary>
    internal sealed class ImapFolderCache
    {
        private readonly object _gate = new object();
        private readonly HashSet<string> _names = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>True once a complete listing replaced the contents.</summary>
        public bool IsComplete { get; private set; }

        public string[] Names
        {
            get
            {
                lock (_gate)
                {
                    return _names.OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToArray();
                }
            }
        }

        public void ReplaceAll(IEnumerable<string> names)
        {
            lock (_gate)
            {
                _names.Clear();
                _names.UnionWith(names.Where(n => !string.IsNullOrEmpty(n)));
                IsComplete = true;
            }
        }

        public void Add(string name)
        {
            if (string.IsNullOrEmpty(name))
            {
                return;
            }

            lock (_gate)
            {
                _names.Add(name);
            }
        }

        /// <summary>Forgets a folder and everything below it.</summary>
        public void Remove(string name, char separator)
        {
            lock (_gate)
            {
                _names.RemoveWhere(n => IsSelfOrDescendant(n, name, separator));
            }
        }

        /// <summary>Renames a folder and everything below it.</summary>
        public void Rename(string oldName, string newName, char separator)
        {
            lock (_gate)
            {
                string[] moved = _names.Where(n => IsSelfOrDescendant(n, oldName, separator)).ToArray();
                foreach (string name in moved)
                {
                    _names.Remove(name);
                    _names.Add(newName + name.Substring(oldName.Length));
                }

                _names.Add(newName);
            }
        }

        private static bool IsSelfOrDescendant(string candidate, string name, char separator) =>
            string.Equals(candidate, name, StringComparison.Ordinal) ||
            (separator != '\0' && candidate.StartsWith(name + separator, StringComparison.Ordinal));
    }
}
