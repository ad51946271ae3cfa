namespace EventDriven.Contracts;

/// <summary>Tags of health checks, shared by the libraries that register checks and the hosts that map the endpoints.</summary>
public static class HealthCheckTags
{
    /// <summary>Checks behind <c>/health/ready</c>: the stores and the broker a process needs to do its work.</summary>
    public const string Ready = "ready";
}
