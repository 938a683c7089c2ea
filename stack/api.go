package stack

import (
	"fmt"
	"sort"
	"strings"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/apigateway"
	"github.com/awslabs/goformation/v7/cloudformation/iam"
	"github.com/awslabs/goformation/v7/cloudformation/policies"

	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/vtl"
)

// accessLogFormat is one JSON line per request in the stage's access log.
// $context.error.messageString is the message already quoted as a JSON
// string; the bare message may hold a quote that would break the line.
const accessLogFormat = `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","caller":"$context.identity.caller","apiKeyId":"$context.identity.apiKeyId","time":"$context.requestTime","method":"$context.httpMethod","path":"$context.resourcePath","status":"$context.status","length":"$context.responseLength","integrationStatus":"$context.integration.status","error":$context.error.messageString}`

const (
	corsAllowHeaders = "'Content-Type,Authorization,X-Amz-Date,X-Amz-Security-Token,X-Api-Key'"
	corsMaxAge       = "'600'"
	allowOrigin      = "Access-Control-Allow-Origin"
)

// api is the REST API: one resource per path segment, the POST method with
// its model, validator and DynamoDB integration, CORS, the gateway responses,
// a deployment and the stage.
func (b *builder) api() error {
	s, id := b.s, b.id
	b.add(id.API, &apigateway.RestApi{
		Name:                  cloudformation.String(s.Name),
		EndpointConfiguration: &apigateway.RestApi_EndpointConfiguration{Types: []string{"REGIONAL"}},
		Tags:                  b.tags(),
	})

	parent := cloudformation.GetAtt(id.API, "RootResourceId")
	segments := strings.Split(strings.TrimPrefix(s.API.Path, "/"), "/")
	for i, seg := range segments {
		b.add(id.PathSegment(i+1), &apigateway.Resource{
			RestApiId: cloudformation.Ref(id.API),
			ParentId:  parent,
			PathPart:  seg,
		})
		parent = cloudformation.Ref(id.PathSegment(i + 1))
	}
	leaf := parent

	var methods []string
	if s.API.Has(spec.Create) {
		b.bodyModel(id.Model, id.Validator, b.st.InlinedModel, false)
		b.routeRole(spec.Create, "PutItem")
		b.postMethod(leaf)
		methods = append(methods, id.PostMethod)
		if len(s.API.CORS) > 0 {
			b.optionsMethod(id.OptionsMethod, leaf, []string{"POST"})
			methods = append(methods, id.OptionsMethod)
		}
	}
	routeMethods, err := b.itemRoutes(leaf)
	if err != nil {
		return err
	}
	methods = append(methods, routeMethods...)
	gatewayResponses := b.gatewayResponses()
	if err := b.deploymentAndStage(methods, gatewayResponses); err != nil {
		return err
	}
	if s.API.Auth == spec.AuthAPIKey {
		b.apiKey()
	}
	return nil
}

func (b *builder) postMethod(resource string) {
	id := b.id
	b.method(id.PostMethod, &apigateway.Method{
		ResourceId:         resource,
		HttpMethod:         "POST",
		RequestModels:      map[string]string{contentTypeJSON: cloudformation.Ref(id.Model)},
		RequestValidatorId: cloudformation.String(cloudformation.Ref(id.Validator)),
	}, "PutItem", b.st.RequestTemplate, b.responses, vtl.MethodStatusCodes, spec.Create)
}

// method completes m, a method of the stage's auth, with the direct
// DynamoDB integration that calls action with the route's role: the request
// template (its table name filled in by Fn::Sub), the integration responses
// with CORS headers, and a method response for each status.
func (b *builder) method(logical string, m *apigateway.Method, action, request string, responses []vtl.IntegrationResponse, statuses []string, route spec.Route) {
	s, id := b.s, b.id
	auth := "NONE"
	if s.API.Auth == spec.AuthIAM {
		auth = "AWS_IAM"
	}
	cors := b.corsResponseParameters()
	var integrationResponses []apigateway.Method_IntegrationResponse
	for _, r := range responses {
		ir := apigateway.Method_IntegrationResponse{
			StatusCode:         r.StatusCode,
			ResponseTemplates:  map[string]string{contentTypeJSON: b.corsTemplate() + r.Template},
			ResponseParameters: cors,
		}
		b.st.LargestMappingTemplate = max(b.st.LargestMappingTemplate, len(ir.ResponseTemplates[contentTypeJSON]))
		if r.SelectionPattern != "" {
			ir.SelectionPattern = cloudformation.String(r.SelectionPattern)
		}
		integrationResponses = append(integrationResponses, ir)
	}
	var methodResponses []apigateway.Method_MethodResponse
	for _, status := range statuses {
		methodResponses = append(methodResponses, apigateway.Method_MethodResponse{
			StatusCode:         status,
			ResponseParameters: declared(cors),
		})
	}
	b.st.LargestMappingTemplate = max(b.st.LargestMappingTemplate, len(request))
	m.RestApiId = cloudformation.Ref(id.API)
	m.AuthorizationType = cloudformation.String(auth)
	m.ApiKeyRequired = cloudformation.Bool(s.API.Auth == spec.AuthAPIKey)
	m.Integration = &apigateway.Method_Integration{
		Type:                  "AWS",
		IntegrationHttpMethod: cloudformation.String("POST"),
		Uri:                   cloudformation.SubPtr("arn:${AWS::Partition}:apigateway:${AWS::Region}:dynamodb:action/" + action),
		Credentials:           cloudformation.GetAttPtr(id.Role(route), "Arn"),
		PassthroughBehavior:   cloudformation.String("NEVER"),
		RequestTemplates:      map[string]string{contentTypeJSON: cloudformation.Sub(request)},
		IntegrationResponses:  integrationResponses,
	}
	m.MethodResponses = methodResponses
	b.add(logical, m)
}

// optionsMethod answers CORS preflights of resource, whose methods are
// methods, without calling anything.
func (b *builder) optionsMethod(logical, resource string, methods []string) {
	params := b.corsResponseParameters()
	allowed := append([]string{"OPTIONS"}, methods...)
	sort.Strings(allowed)
	params["method.response.header.Access-Control-Allow-Methods"] = quote(strings.Join(allowed, ","))
	params["method.response.header.Access-Control-Allow-Headers"] = corsAllowHeaders
	params["method.response.header.Access-Control-Max-Age"] = corsMaxAge
	b.add(logical, &apigateway.Method{
		RestApiId:         cloudformation.Ref(b.id.API),
		ResourceId:        resource,
		HttpMethod:        "OPTIONS",
		AuthorizationType: cloudformation.String("NONE"), // preflights carry no credentials
		Integration: &apigateway.Method_Integration{
			Type:                "MOCK",
			PassthroughBehavior: cloudformation.String("NEVER"),
			RequestTemplates:    map[string]string{contentTypeJSON: `{"statusCode": 200}`},
			IntegrationResponses: []apigateway.Method_IntegrationResponse{{
				StatusCode:         "200",
				ResponseParameters: params,
				ResponseTemplates:  map[string]string{contentTypeJSON: b.corsTemplate()},
			}},
		},
		MethodResponses: []apigateway.Method_MethodResponse{{
			StatusCode:         "200",
			ResponseParameters: declared(params),
		}},
	})
}

// corsResponseParameters are the CORS headers of every integration response.
// One origin (or "*") is a fixed header; several need the request's Origin
// echoed when it is one of them, which corsTemplate does.
func (b *builder) corsResponseParameters() map[string]string {
	origins := b.s.API.CORS
	switch len(origins) {
	case 0:
		return nil
	case 1:
		return map[string]string{"method.response.header." + allowOrigin: quote(origins[0])}
	}
	return map[string]string{"method.response.header.Vary": "'Origin'"}
}

// corsTemplate sets Access-Control-Allow-Origin to the request's Origin when
// the spec allows several origins and Origin is one of them.
func (b *builder) corsTemplate() string {
	origins := b.s.API.CORS
	if len(origins) < 2 {
		return ""
	}
	var conds []string
	for _, o := range origins {
		conds = append(conds, "$origin == "+quote(o))
	}
	return "#set($origin = $input.params().header.get('Origin'))\n" +
		"#if(\"$!origin\" == \"\")#set($origin = $input.params().header.get('origin'))#end\n" +
		"#if(" + strings.Join(conds, " || ") + ")#set($context.responseOverride.header." + allowOrigin + " = $origin)#end\n"
}

// quote is s as a single-quoted literal, the form of static header values
// and of Velocity strings that are not interpolated. Origins hold no quotes.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "") + "'" }

// declared lists the headers of params for a method response.
func declared(params map[string]string) map[string]string {
	if len(params) == 0 {
		return nil
	}
	out := make(map[string]string, len(params))
	for k := range params {
		out[k] = "false"
	}
	return out
}

// gatewayResponses adds the answers API Gateway gives by itself and returns
// their logical IDs.
//
// With several origins they echo the request's Origin, whatever it is: a
// gateway response maps headers but runs no template, so it cannot test the
// Origin (x-amazon-apigateway-gateway-responses.responseParameters: a
// literal or method.request.header.NAME). The allowed-origins rule still
// holds where it matters: a browser sends a JSON body, an API key or IAM
// credentials only after a preflight, and the OPTIONS method allows only
// the listed origins. Other origins can send only simple requests (no JSON
// content type, no credentials), whose gateway answers (415, 403, 429, the
// validator's 400 about the body sent) hold nothing stored.
func (b *builder) gatewayResponses() []string {
	var out []string
	params := map[string]string{}
	switch len(b.s.API.CORS) {
	case 0:
	case 1:
		params["gatewayresponse.header."+allowOrigin] = quote(b.s.API.CORS[0])
	default:
		params["gatewayresponse.header."+allowOrigin] = "method.request.header.Origin"
		params["gatewayresponse.header.Vary"] = "'Origin'"
	}
	if len(params) == 0 {
		params = nil
	}
	for _, g := range vtl.GatewayResponses {
		logical := b.id.GatewayResponse(g.Type)
		r := &apigateway.GatewayResponse{
			RestApiId:          cloudformation.Ref(b.id.API),
			ResponseType:       g.Type,
			ResponseParameters: params,
			ResponseTemplates:  map[string]string{contentTypeJSON: g.Template},
		}
		if g.StatusCode != "" {
			r.StatusCode = cloudformation.String(g.StatusCode)
		}
		b.add(logical, r)
		out = append(out, logical)
	}
	sort.Strings(out)
	return out
}

func (b *builder) deploymentAndStage(methods, gatewayResponses []string) error {
	s, id := b.s, b.id
	// The deployment's ID hashes everything a deployment snapshots.
	snapshot := map[string]cloudformation.Resource{}
	for logical, r := range b.t.Resources {
		if strings.HasPrefix(r.AWSCloudFormationType(), "AWS::ApiGateway::") {
			snapshot[logical] = r
		}
	}
	apiHash, err := hashOf(snapshot)
	if err != nil {
		return fmt.Errorf("stack: hashing the API: %w", err)
	}
	deployment := id.Deployment(apiHash)
	b.add(deployment, &apigateway.Deployment{
		RestApiId:                  cloudformation.Ref(id.API),
		Description:                cloudformation.String("API definition " + apiHash),
		AWSCloudFormationDependsOn: append(append([]string{}, methods...), gatewayResponses...),
	})

	b.add(id.AccessLogs, b.logGroup())
	b.accountLogsRole()
	stage := &apigateway.Stage{
		RestApiId:    cloudformation.Ref(id.API),
		DeploymentId: cloudformation.RefPtr(deployment),
		StageName:    cloudformation.String(s.API.Stage),
		AccessLogSetting: &apigateway.Stage_AccessLogSetting{
			DestinationArn: cloudformation.GetAttPtr(id.AccessLogs, "Arn"),
			Format:         cloudformation.String(accessLogFormat),
		},
		// The access log needs the account's CloudWatch role set first: when
		// this stack sets it, the Ref makes the stage wait for it.
		Description: cloudformation.IfPtr(id.CreatesLogsRole,
			cloudformation.Sub(stageDescription+" (CloudWatch role set by this stack: ${"+id.Account+"})"),
			stageDescription),
		Tags: b.tags(),
	}
	if s.Tracing {
		// API Gateway sends the traces itself; the role needs nothing
		// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-xray.html).
		stage.TracingEnabled = cloudformation.Bool(true)
	}
	if t := s.API.Throttle; t != nil {
		stage.MethodSettings = []apigateway.Stage_MethodSetting{{
			HttpMethod:           cloudformation.String("*"),
			ResourcePath:         cloudformation.String("/*"),
			ThrottlingRateLimit:  cloudformation.Float64(t.Rate),
			ThrottlingBurstLimit: cloudformation.Int(t.Burst),
		}}
	}
	b.add(id.Stage, stage)
	return nil
}

const stageDescription = "Access logs to CloudWatch through the account's API Gateway role"

// accountLogsRole lets this stack set API Gateway's CloudWatch Logs role, the
// access log's prerequisite. It is one setting per account and region, so
// the stack does it only when its parameter says so (the deploy recipe says
// true when the account has no role yet): many stacks in an account then
// neither overwrite each other's setting nor each leave a role behind. The
// role is kept when the stack is deleted or stops setting it, since every
// API of the account and region logs through it.
func (b *builder) accountLogsRole() {
	id := b.id
	b.t.Parameters[id.CreateLogsRole] = cloudformation.Parameter{
		Type: "String",
		Description: cloudformation.String("true: create API Gateway's CloudWatch Logs role and set it for the account and region " +
			"(once per account and region: aws apigateway get-account shows no cloudwatchRoleArn). false: the account has one already"),
		Default:       "true",
		AllowedValues: []any{"true", "false"},
	}
	// In goformation's encoded form: its Template.JSON evaluates a literal
	// Fn::Equals, taking the parameter's default for the Ref.
	b.t.Conditions[id.CreatesLogsRole] = cloudformation.Equals(cloudformation.Ref(id.CreateLogsRole), "true")
	b.add(id.AccountRole, &iam.Role{
		AssumeRolePolicyDocument:             assumeRole("apigateway.amazonaws.com"),
		ManagedPolicyArns:                    []string{cloudformation.Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")},
		Tags:                                 b.tags(),
		AWSCloudFormationCondition:           id.CreatesLogsRole,
		AWSCloudFormationDeletionPolicy:      policies.DeletionPolicy("Retain"),
		AWSCloudFormationUpdateReplacePolicy: policies.UpdateReplacePolicy("Retain"),
	})
	b.add(id.Account, &apigateway.Account{
		CloudWatchRoleArn:          cloudformation.GetAttPtr(id.AccountRole, "Arn"),
		AWSCloudFormationCondition: id.CreatesLogsRole,
		// "If an API Gateway resource has never been created in your AWS
		// account, you must add a dependency on another API Gateway
		// resource" (AWS::ApiGateway::Account, CloudFormation reference).
		AWSCloudFormationDependsOn: []string{id.API},
		// Kept, like the role: the setting must outlive the stack, whatever
		// a delete would do to it (today nothing: aws-cdk#6194).
		AWSCloudFormationDeletionPolicy:      policies.DeletionPolicy("Retain"),
		AWSCloudFormationUpdateReplacePolicy: policies.UpdateReplacePolicy("Retain"),
	})
}

// apiKey adds the key callers send in X-Api-Key and the usage plan that
// admits it to the stage.
func (b *builder) apiKey() {
	id := b.id
	b.add(id.APIKey, &apigateway.ApiKey{
		Enabled:     cloudformation.Bool(true),
		Description: cloudformation.String(fmt.Sprintf("Key for every route under %s of %s", b.s.API.Path, b.s.Name)),
		Tags:        b.tags(),
	})
	plan := &apigateway.UsagePlan{
		Description: cloudformation.String("Admits the stack's API key to the stage"),
		ApiStages: []apigateway.UsagePlan_ApiStage{{
			ApiId: cloudformation.RefPtr(id.API),
			Stage: cloudformation.RefPtr(id.Stage),
		}},
		Tags: b.tags(),
	}
	if t := b.s.API.Throttle; t != nil {
		plan.Throttle = &apigateway.UsagePlan_ThrottleSettings{
			RateLimit:  cloudformation.Float64(t.Rate),
			BurstLimit: cloudformation.Int(t.Burst),
		}
	}
	b.add(id.UsagePlan, plan)
	b.add(id.UsagePlanKey, &apigateway.UsagePlanKey{
		KeyId:       cloudformation.Ref(id.APIKey),
		KeyType:     "API_KEY",
		UsagePlanId: cloudformation.Ref(id.UsagePlan),
	})
}
