namespace EventDriven.Hosting.Bus;

/// <summary>The bus did not take a request in time (broker down): the API answers 503, never hangs.</summary>
public sealed class BusUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
