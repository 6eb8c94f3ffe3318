namespace MailProtocols.LoadContext
{
    /// <summary>
    /// What the cmdlet assembly calls. A class of its own, not a member of <see cref="ModuleLoadContext"/>,
    /// so that the cmdlet assembly compiles without a reference to AssemblyLoadContext (netstandard2.0 has
    /// none; only this project takes System.Runtime.Loader).
    /// </summary>
    public static class ModuleIsolation
    {
        /// <summary>Loads the engine and its mail libraries from <paramref name="directory"/> into the
        /// module's private context whenever the default context asks for them. Safe to call again.</summary>
        public static void Attach(string directory) => ModuleLoadContext.Attach(directory);
    }
}
