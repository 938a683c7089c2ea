package stack

import (
	"fmt"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/apigateway"

	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/vtl"
)

// httpMethods are the HTTP methods of the routes on an item's address.
var httpMethods = map[spec.Route]string{spec.Read: "GET", spec.Query: "GET", spec.Update: "PATCH", spec.Delete: "DELETE"}

// itemRoutes adds the routes besides create: the resources of the item's
// address under leaf (<path>/{pk}, and <path>/{pk}/{sk} with a sort key),
// each route's method and role, the validator of their parameters and each
// new resource's CORS preflight. It returns the methods' logical IDs.
//
// A GET carries no Content-Type: API Gateway then takes application/json,
// so the NEVER passthrough still runs the application/json template
// ("Method request behavior for payloads without mapping templates",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-passthrough-behaviors.html).
func (b *builder) itemRoutes(leaf string) ([]string, error) {
	id := b.id
	routes, err := vtl.Routes(b.it, TableRef(b.it))
	if err != nil {
		return nil, err
	}
	if len(routes) == 0 {
		return nil, nil
	}
	b.add(id.ParametersValidator, &apigateway.RequestValidator{
		RestApiId:                 cloudformation.Ref(id.API),
		ValidateRequestParameters: cloudformation.Bool(true),
	})
	type resource struct{ logical, options, ref string }
	keyPath := resource{id.KeyPath, id.KeyOptionsMethod, cloudformation.Ref(id.KeyPath)}
	itemPath := keyPath
	if len(b.it.Keys) > 1 {
		itemPath = resource{id.SortKeyPath, id.SortKeyOptionsMethod, cloudformation.Ref(id.SortKeyPath)}
	}
	onResource := map[string][]string{} // resource -> its HTTP methods
	var order []resource
	var methods []string
	for _, r := range routes {
		res, keys := itemPath, len(b.it.Keys)
		if r.Route == spec.Query {
			res, keys = keyPath, 1
		}
		if onResource[res.logical] == nil {
			order = append(order, res)
		}
		httpMethod := httpMethods[r.Route]
		if httpMethod == "" {
			return nil, fmt.Errorf("stack: no HTTP method for route %s", r.Route)
		}
		onResource[res.logical] = append(onResource[res.logical], httpMethod)
		params := map[string]string{}
		for _, k := range vtl.PathKeys[:keys] {
			params["method.request.path."+k] = "true"
		}
		for _, q := range r.QueryParameters {
			params["method.request.querystring."+q] = "false"
		}
		b.routeRole(r.Route, r.Action)
		logical := id.Method(r.Route)
		m := &apigateway.Method{
			ResourceId:         res.ref,
			HttpMethod:         httpMethod,
			RequestParameters:  params,
			RequestValidatorId: cloudformation.String(cloudformation.Ref(id.ParametersValidator)),
		}
		if r.Route == spec.Update {
			b.bodyModel(id.UpdateModel, id.UpdateValidator, b.st.InlinedUpdateModel, true) // the update's body and path keys
			m.RequestModels = map[string]string{contentTypeJSON: cloudformation.Ref(id.UpdateModel)}
			m.RequestValidatorId = cloudformation.String(cloudformation.Ref(id.UpdateValidator))
		}
		b.method(logical, m, r.Action, r.Request, r.Responses, r.StatusCodes, r.Route)
		methods = append(methods, logical)
	}
	b.pathParameter(id.KeyPath, leaf, vtl.PathKeys[0])
	if len(b.it.Keys) > 1 && onResource[id.SortKeyPath] != nil {
		b.pathParameter(id.SortKeyPath, cloudformation.Ref(id.KeyPath), vtl.PathKeys[1])
	}
	if len(b.s.API.CORS) > 0 {
		for _, res := range order {
			b.optionsMethod(res.options, res.ref, onResource[res.logical])
			methods = append(methods, res.options)
		}
	}
	return methods, nil
}

// bodyModel adds a body's model and the validator of a method that takes
// it; the validator also checks the method's parameters when parameters is
// set (a method has one validator).
func (b *builder) bodyModel(model, validator, schema string, parameters bool) {
	b.add(model, &apigateway.Model{
		RestApiId:   cloudformation.Ref(b.id.API),
		ContentType: cloudformation.String(contentTypeJSON),
		Schema:      schema,
	})
	v := &apigateway.RequestValidator{
		RestApiId:           cloudformation.Ref(b.id.API),
		ValidateRequestBody: cloudformation.Bool(true),
	}
	if parameters {
		v.ValidateRequestParameters = cloudformation.Bool(true)
	}
	b.add(validator, v)
}

// pathParameter adds the resource {name} under parent.
func (b *builder) pathParameter(logical, parent, name string) {
	b.add(logical, &apigateway.Resource{
		RestApiId: cloudformation.Ref(b.id.API),
		ParentId:  parent,
		PathPart:  "{" + name + "}",
	})
}
