using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Leitstand.LocalHost.Functions;

/// <summary>
/// CORS as Azure's platform does it for a Function App (siteConfig.cors.allowedOrigins), so the status center
/// can be tried from another origin locally too: for an allowed origin the host answers the preflight itself
/// (the function never sees it) and stamps Access-Control-Allow-Origin on every answer, over whatever the function
/// set; any other origin passes through untouched (the browser then keeps the answer from the page). The list is
/// what Core Tools reads as well: <c>"Host": { "CORS": "https://a,https://b" }</c> in local.settings.json; empty
/// (the default): no CORS, the status center is served from the same origin.
/// </summary>
public static class LocalCors
{
    /// <summary>The origins of <c>Host.CORS</c> (comma-separated) in local.settings(.sample).json; the last file that sets it wins.</summary>
    public static IReadOnlyList<string> AllowedOrigins(string repoRoot) => Parse(LocalSettings.LoadHostValue(repoRoot, "CORS"));

    public static IReadOnlyList<string> Parse(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(o => o.TrimEnd('/')).ToList();

    public static void UseLocalCors(this WebApplication app, IReadOnlyList<string> allowedOrigins)
    {
        if (allowedOrigins.Count == 0) return;
        var any = allowedOrigins.Contains("*");
        app.Use((context, next) =>
        {
            var origin = context.Request.Headers.Origin.ToString();
            if (origin.Length == 0 || !(any || allowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase)))
                return next(context);

            var request = context.Request;
            var response = context.Response;
            if (HttpMethods.IsOptions(request.Method) && request.Headers.AccessControlRequestMethod.Count > 0)
            {
                response.StatusCode = StatusCodes.Status204NoContent;
                response.Headers.AccessControlAllowOrigin = origin;
                response.Headers.Vary = "Origin";
                response.Headers.AccessControlAllowMethods = request.Headers.AccessControlRequestMethod.ToString();
                if (request.Headers.AccessControlRequestHeaders.Count > 0)
                    response.Headers.AccessControlAllowHeaders = request.Headers.AccessControlRequestHeaders.ToString();
                response.Headers.AccessControlMaxAge = "3600";
                return Task.CompletedTask;
            }
            response.OnStarting(() =>
            {
                response.Headers.AccessControlAllowOrigin = origin;
                response.Headers.Vary = "Origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
