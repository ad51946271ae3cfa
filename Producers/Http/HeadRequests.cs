using Microsoft.AspNetCore.Routing;

namespace EventDriven.Producers.Http;

/// <summary>
/// HEAD on a GET resource is the GET without its body (RFC 9110, 9.3.2): routing matches it to the GET endpoint, which
/// answers its status and headers (Content-Length included); the server sends no body for a HEAD request (Kestrel
/// discards what the endpoint writes). Applied as an endpoint convention, so the endpoints' own method metadata says so.
/// </summary>
public static class HeadRequests
{
    private static readonly string[] Get = [HttpMethods.Get];

    public static TBuilder AnswerHeadLikeGet<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        // Finally: after every other convention, so the endpoint's own GET metadata is already there.
        builder.Finally(endpoint =>
        {
            var methods = endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault();
            if (methods is not null && methods.HttpMethods.SequenceEqual(Get, StringComparer.OrdinalIgnoreCase))
            {
                endpoint.Metadata.Add(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head], methods.AcceptCorsPreflight));
            }
        });
        return builder;
    }
}
