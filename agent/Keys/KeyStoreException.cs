namespace Leitstand.Agent.Keys;

/// <summary>A key that cannot be read or stored; the message is German and says what to do.</summary>
public sealed class KeyStoreException(string message) : Exception(message);
