package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// invokePrefix is where Lambda's Invoke API lives
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html):
// POST /2015-03-31/functions/{FunctionName}/invocations.
const invokePrefix = "/2015-03-31/functions/"

// maxInvokePayload is Lambda's limit for a synchronous invocation's request.
const maxInvokePayload = 6 << 20

// invokeAPI serves Lambda's Invoke API for the local handler, so that
// `aws lambda invoke --endpoint-url http://ADDR` replays a failed batch
// exactly as against AWS. Invocations wait their turn with the stream's:
// one at a time, as in one execution environment.
type invokeAPI struct {
	function *Function
	log      io.Writer
}

func (a *invokeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, invokePrefix), "/invocations")
	// The name may be given as the function's ARN.
	if i := strings.LastIndex(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	}
	switch {
	case !ok || name != a.function.Name:
		lambdaError(w, http.StatusNotFound, "ResourceNotFoundException",
			fmt.Sprintf("Function not found: %s (gen local runs %s only)", name, a.function.Name))
		return
	case r.Method != http.MethodPost:
		lambdaError(w, http.StatusMethodNotAllowed, "InvalidRequestContentException", "POST the payload")
		return
	case r.Header.Get("X-Amz-Invocation-Type") != "" && r.Header.Get("X-Amz-Invocation-Type") != "RequestResponse":
		lambdaError(w, http.StatusBadRequest, "InvalidParameterValueException", "gen local runs RequestResponse invocations only")
		return
	}
	payload, err := io.ReadAll(io.LimitReader(r.Body, maxInvokePayload+1))
	switch {
	case err != nil:
		lambdaError(w, http.StatusBadRequest, "InvalidRequestContentException", err.Error())
		return
	case len(payload) > maxInvokePayload:
		lambdaError(w, http.StatusRequestEntityTooLarge, "RequestTooLargeException", "the payload is over 6 MB")
		return
	case !json.Valid(payload):
		lambdaError(w, http.StatusBadRequest, "InvalidRequestContentException", "Could not parse request body into json")
		return
	}
	fmt.Fprintf(a.log, "invoke: %s with a payload of %d bytes (not a stream delivery: no retry, no checkpoint)\n", name, len(payload))
	body, err := a.function.Invoke(payload)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amz-Executed-Version", "$LATEST")
	var fe *FunctionError
	switch {
	case errors.As(err, &fe):
		// A function error is a 200 with the error as the body, as on Lambda.
		body, _ = json.Marshal(map[string]string{"errorType": fe.Type, "errorMessage": fe.Message})
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
	case err != nil:
		lambdaError(w, http.StatusInternalServerError, "ServiceException", err.Error())
		return
	}
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

func lambdaError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", typ)
	w.WriteHeader(status)
	body, _ := json.Marshal(map[string]string{"Type": "User", "message": msg})
	w.Write(body)
}
