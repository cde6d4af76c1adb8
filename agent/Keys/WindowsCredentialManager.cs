using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.InteropServices.ComTypes;
using System.Text;

namespace Leitstand.Agent.Keys;

/// <summary>
/// The Windows Credential Manager (a generic credential "leitstand-agent", persisted for this user on this machine)
/// through CredWriteW / CredReadW / CredDeleteW. Compiled everywhere, called only on Windows.
/// </summary>
public sealed class WindowsCredentialManager : IKeyStore
{
    public const string Target = AgentEnvironment.Name;
    private const uint CredTypeGeneric = 1;
    private const uint CredPersistLocalMachine = 2;
    private const int ErrorNotFound = 1168;

    public string Description => "Windows-Anmeldeinformationsverwaltung („leitstand-agent“)";

    public Task<string?> ReadAsync(CancellationToken cancellationToken = default)
    {
        EnsureWindows();
        if (!CredRead(Target, CredTypeGeneric, 0, out var pointer))
        {
            var error = Marshal.GetLastWin32Error();
            if (error == ErrorNotFound) return Task.FromResult<string?>(null);
            throw new KeyStoreException($"Die Anmeldeinformationsverwaltung hat den Schlüssel nicht herausgegeben ({new Win32Exception(error).NativeErrorCode}).");
        }
        try
        {
            var credential = Marshal.PtrToStructure<Credential>(pointer);
            var blob = new byte[credential.CredentialBlobSize];
            Marshal.Copy(credential.CredentialBlob, blob, 0, blob.Length);
            return Task.FromResult<string?>(AgentKey.Validate(Encoding.Unicode.GetString(blob), "Der Eintrag in der Anmeldeinformationsverwaltung"));
        }
        finally { CredFree(pointer); }
    }

    public Task<string> StoreAsync(string key, CancellationToken cancellationToken = default)
    {
        EnsureWindows();
        AgentKey.Validate(key, "Der Schlüssel");
        var blob = Encoding.Unicode.GetBytes(key);
        var memory = Marshal.AllocHGlobal(blob.Length);
        try
        {
            Marshal.Copy(blob, 0, memory, blob.Length);
            var credential = new Credential
            {
                Type = CredTypeGeneric,
                TargetName = Target,
                CredentialBlobSize = (uint)blob.Length,
                CredentialBlob = memory,
                Persist = CredPersistLocalMachine,
                UserName = "agent-key",
            };
            if (!CredWrite(ref credential, 0))
                throw new KeyStoreException($"Der Schlüssel ließ sich nicht in der Anmeldeinformationsverwaltung speichern (Fehler {Marshal.GetLastWin32Error()}).");
        }
        finally
        {
            Marshal.Copy(new byte[blob.Length], 0, memory, blob.Length);
            Marshal.FreeHGlobal(memory);
        }
        return Task.FromResult(Description);
    }

    public Task<bool> RemoveAsync(CancellationToken cancellationToken = default)
    {
        EnsureWindows();
        if (CredDelete(Target, CredTypeGeneric, 0)) return Task.FromResult(true);
        var error = Marshal.GetLastWin32Error();
        if (error == ErrorNotFound) return Task.FromResult(false);
        throw new KeyStoreException($"Der Schlüssel ließ sich nicht aus der Anmeldeinformationsverwaltung löschen (Fehler {error}).");
    }

    private static void EnsureWindows()
    {
        if (!OperatingSystem.IsWindows())
            throw new KeyStoreException("Die Windows-Anmeldeinformationsverwaltung gibt es nur unter Windows.");
    }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    private struct Credential
    {
        public uint Flags;
        public uint Type;
        public string TargetName;
        public string? Comment;
        public FILETIME LastWritten;
        public uint CredentialBlobSize;
        public IntPtr CredentialBlob;
        public uint Persist;
        public uint AttributeCount;
        public IntPtr Attributes;
        public string? TargetAlias;
        public string? UserName;
    }

    [DllImport("advapi32.dll", EntryPoint = "CredWriteW", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool CredWrite(ref Credential credential, uint flags);

    [DllImport("advapi32.dll", EntryPoint = "CredReadW", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool CredRead(string target, uint type, uint flags, out IntPtr credential);

    [DllImport("advapi32.dll", EntryPoint = "CredDeleteW", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool CredDelete(string target, uint type, uint flags);

    [DllImport("advapi32.dll")]
    private static extern void CredFree(IntPtr buffer);
}
