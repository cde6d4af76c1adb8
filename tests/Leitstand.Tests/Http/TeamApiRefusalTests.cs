using System.Text.Json;
using Leitstand.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Leitstand.Tests.Http;

/// <summary>A refusal by the database's rules reaches the team as a 409 with the rule's German message only.</summary>
public sealed class TeamApiRefusalTests
{
    [Fact]
    public async Task A_rule_refusal_is_a_409_with_the_german_message_and_without_the_drivers_redacted_detail()
    {
        var context = new DefaultHttpContext();
        var result = await TeamApi.RunAsync(context.Request, () => throw new PostgresException(
            "Für LOST bitte einen Grund in lost_reason angeben.", "ERROR", "ERROR", PostgresErrorCodes.CheckViolation,
            detail: "Detail redacted as it may contain sensitive data. Specify 'Include Error Detail' in the connection string to include this information."));

        context.Response.Body = new MemoryStream();
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
        context.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(context.Response.Body);

        Assert.Equal(StatusCodes.Status409Conflict, context.Response.StatusCode);
        Assert.Equal("Für LOST bitte einen Grund in lost_reason angeben.", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(["Für LOST bitte einen Grund in lost_reason angeben."],
            problem.RootElement.GetProperty("errors").GetProperty("stage").EnumerateArray().Select(e => e.GetString()));
    }
}
