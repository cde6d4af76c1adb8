using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;

namespace Leitstand.LocalHost.Functions;

/// <summary>
/// The landing pages as the local host serves their sources (web/landing): each <c>&lt;x data-partial="name"&gt;…&lt;/x&gt;</c>
/// filled with <c>partials/name.html</c> exactly as the Netlify build does it (<c>withPartials</c> in web/landing/build.mjs),
/// so the header and footer every page shares are written once.
/// </summary>
public static partial class LandingPartials
{
    /// <summary>The page with its partials in; what a marker element holds goes in place of the partial's <c>&lt;!-- slot --&gt;</c>.</summary>
    public static string Fill(string html, Func<string, string> readPartial) =>
        Marker().Replace(html, m =>
        {
            var slot = m.Groups["slot"].Value.Trim();
            return SlotLine().Replace(readPartial(m.Groups["name"].Value).Trim(),
                line => slot.Length > 0 ? "\n" + line.Groups["indent"].Value + slot : "", 1);
        });

    /// <summary>Serves every *.html of <paramref name="files"/> with its partials filled in (GET and HEAD); the rest passes on.</summary>
    public static void UseLandingPartials(this WebApplication app, PhysicalFileProvider files)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
                || request.Path.Value is not { } path || !path.EndsWith(".html", StringComparison.OrdinalIgnoreCase)
                || files.GetFileInfo(path) is not { Exists: true, IsDirectory: false, PhysicalPath: { } page })
            {
                await next(context);
                return;
            }
            var html = Fill(await File.ReadAllTextAsync(page, context.RequestAborted),
                name => File.ReadAllText(Path.Combine(files.Root, "partials", name + ".html")));
            var bytes = Encoding.UTF8.GetBytes(html);
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength = bytes.Length;
            if (HttpMethods.IsGet(request.Method)) await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        });
    }

    [GeneratedRegex(@"<(\w+) data-partial=""(?<name>[\w-]+)"">(?<slot>[\s\S]*?)</\1>")]
    private static partial Regex Marker();

    [GeneratedRegex(@"\n(?<indent>[ \t]*)<!-- slot -->")]
    private static partial Regex SlotLine();
}
