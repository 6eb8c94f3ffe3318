using System;
using System.Collections.Generic;
using System.Text;

namespace MailProtocols.Core.Maildir
{
    /// <summary>Reads the IMAP folder name back out of a Maildir++ directory name (".Projects.Web" is Projects/Web).</summary>
    internal static class MaildirFolderName
    {
        /// <summary>The name's segments, decoded from modified UTF-7; null when the directory is no Maildir++ subfolder or does not decode.</summary>
        public static IReadOnlyList<string> Segments(string directoryName)
        {
            if (directoryName == null || directoryName.Length < 2 || directoryName[0] != '.' || directoryName == "..")
            {
                return null;
            }

            var segments = new List<string>();
            foreach (string encoded in directoryName.Substring(1).Split('.'))
            {
                string segment = Decode(encoded);
                if (string.IsNullOrEmpty(segment))
                {
                    return null;
                }

                segments.Add(segment);
            }

            return segments;
        }

        /// <summary>Modified UTF-7 (RFC 3501): "&amp;-" is "&amp;", "&amp;...-" is UTF-16 in base64 with "," for "/".</summary>
        internal static string Decode(string encoded)
        {
            var result = new StringBuilder(encoded.Length);
            for (int i = 0; i < encoded.Length; i++)
            {
                char c = encoded[i];
                if (c != '&')
                {
                    result.Append(c);
                    continue;
                }

                int end = encoded.IndexOf('-', i + 1);
                if (end < 0)
                {
                    return null;
                }

                if (end == i + 1)
                {
                    result.Append('&');
                }
                else
                {
                    string base64 = encoded.Substring(i + 1, end - i - 1).Replace(',', '/');
                    base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
                    try
                    {
                        result.Append(Encoding.BigEndianUnicode.GetString(Convert.FromBase64String(base64)));
                    }
                    catch (FormatException)
                    {
                        return null;
                    }
                }

                i = end;
            }

            return result.ToString();
        }
    }
}
