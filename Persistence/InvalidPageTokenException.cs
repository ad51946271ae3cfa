namespace EventDriven.Persistence;

/// <summary>A page token this service did not issue (or issued for another listing): the caller's mistake, a 400.</summary>
public sealed class InvalidPageTokenException(string message, Exception? innerException = null)
    : ArgumentException(message, "pageToken", innerException);
